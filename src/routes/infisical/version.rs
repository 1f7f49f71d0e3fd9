//! Which Infisical API version a route belongs to, given to its handler as data: one handler
//! serves `/api/v3/secrets/raw` and `/api/v4/secrets` alike, and only the words differ.

use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{guard, web, FromRequest, Handler, HttpRequest, Resource, Responder};
use std::future::{ready, Ready};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `/api/v1/folders`.
    V1,
    /// `/api/v3/secrets[/raw]`.
    V3,
    /// `/api/v4/secrets`.
    V4,
}

impl ApiVersion {
    /// The 400 for a request naming no project or environment: v4 says "project" where the
    /// older versions said "workspace", and clients show the message as it is.
    pub fn missing_location(self) -> &'static str {
        match self {
            Self::V1 | Self::V3 => "Missing workspace id or environment",
            Self::V4 => "Missing project id or environment",
        }
    }
}

/// What `cfg.route(path, web::method(method).to(handler))` registers (a resource guarded by the
/// method, so other methods fall through to later routes and the JSON 404), carrying `version`.
pub fn route<F, Args>(path: &str, method: Method, version: ApiVersion, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .guard(guard::Method(method.clone()))
        .app_data(version)
        .route(web::method(method).to(handler))
}

impl FromRequest for ApiVersion {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.app_data::<ApiVersion>()
                .copied()
                .ok_or_else(|| AppError::internal("route registered without an API version")),
        )
    }
}
