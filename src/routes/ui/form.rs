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

    /// The first value named `name`, or "", with CRLF line breaks as LF. Browsers submit a
    /// textarea's line breaks as CRLF (the form encoding says so), so without this a PEM or SSH key
    /// pasted into a form would be stored with a `\r` on every line. The JSON API stores what it
    /// is sent; only the UI's forms normalise.
    pub fn lines(&self, name: &str) -> String {
        lf(self.text(name))
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

    /// Every (name, value) pair in the order sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        FormData(pairs)
    }
}

/// `text` with every CRLF as LF (a lone CR is kept: browsers never send one from a form).
pub fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

impl FromRequest for FormData {
    type Error = UiError;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Box::pin(Self::extract(req, payload))
    }
}

#[cfg(test)]
mod tests {
    use super::lf;

    #[test]
    fn crlf_becomes_lf_and_nothing_else_changes() {
        assert_eq!(lf("a\r\nb\r\n"), "a\nb\n");
        assert_eq!(lf("a\nb\rc"), "a\nb\rc");
        assert_eq!(lf("\r\r\n"), "\r\n");
        assert_eq!(lf(""), "");
    }
}
