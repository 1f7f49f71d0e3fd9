//! A submitted form as its ordered (name, value) pairs. Repeated names (the scope rows of the
//! token form) keep their order, which serde structs over `application/x-www-form-urlencoded`
//! cannot express. The body limit is the app's `FormConfig` (a 64 KiB secret value fits).

use super::error::UiError;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;

pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Reads the body; an unreadable or oversized body becomes an error page with its status.
    pub fn extract(
        req: &HttpRequest,
        payload: &mut Payload,
    ) -> impl Future<Output = Result<Self, UiError>> {
        let body = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        async move {
            body.await
                .map(|form| FormData(form.into_inner()))
                .map_err(|e| UiError::Form(e.as_response_error().status_code()))
        }
    }

    /// The first value named `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value named `name`, or "".
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl FromRequest for FormData {
    type Error = UiError;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Box::pin(Self::extract(req, payload))
    }
}
