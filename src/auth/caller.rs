//! The extractor for routes that both admins and service tokens may call (secrets, folders).

use super::access::Access;
use super::client_ip::client_ip;
use super::service_token;
use super::session::{presented_credential, AdminSession, Presented};
use crate::error::AppError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// Alias kept for readability in handler signatures: `caller: Caller`.
pub type Caller = Access;

impl FromRequest for Access {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal("application state missing"))?
                .clone();
            if let Presented::ServiceToken(bearer) = presented_credential(&req) {
                let ip = client_ip(&req, &state.settings.trusted_proxies);
                let record = service_token::authenticate(&state, &bearer, ip).await?;
                return Ok(Access::Token { record, ip });
            }
            Ok(Access::Admin(AdminSession::resolve(&req, false).await?))
        })
    }
}
