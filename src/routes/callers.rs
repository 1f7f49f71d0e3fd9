//! Who is calling, from the HTTP request: the credential's carrier (bearer header or cookie),
//! the CSRF and same-site checks of cookie-authenticated requests, and the extractors that give
//! handlers an `AdminSession` or an `Access` (admin or service token). Each names the caller it
//! found on the request's log line.

use super::client_ip::client_ip;
use super::request_log::note_caller;
use crate::auth::service_token::{self, INVALID_CREDENTIALS};
use crate::auth::session::{self, csrf_tokens_match, Carrier, COOKIE_NAME};
use crate::auth::{Access, AdminSession};
use crate::error::AppError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// Where the request's credential came from.
pub enum Presented {
    Bearer(String),
    Cookie(String),
    /// The trimmed bearer value, `st.` included.
    ServiceToken(String),
    Nothing,
}

pub fn presented_credential(req: &HttpRequest) -> Presented {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or("");
        return match value.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => {
                let rest = rest.trim();
                if rest.starts_with("st.") {
                    Presented::ServiceToken(rest.to_owned())
                } else {
                    Presented::Bearer(rest.to_owned())
                }
            }
            _ => Presented::Bearer(String::new()),
        };
    }
    match req.cookie(COOKIE_NAME) {
        Some(cookie) => Presented::Cookie(cookie.value().to_owned()),
        None => Presented::Nothing,
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Same-site check for a cookie-authenticated request's `Origin`, when the browser sent one.
/// `null_is_absent` is for the UI's HTML forms: under `Referrer-Policy: no-referrer` (sent on
/// every response) browsers post them with `Origin: null`, which names no site; their
/// `csrf_token` field, which a foreign page cannot read, proves where they came from. API calls
/// from scripts always carry a real origin, so there `null` is refused.
pub fn origin_is_same_site(
    req: &HttpRequest,
    public_url: Option<&str>,
    null_is_absent: bool,
) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return true;
    };
    if origin == "null" {
        return null_is_absent;
    }
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let public_host = public_url.and_then(|u| u.split_once("://")).map(|(_, h)| h);
    origin_host == host || Some(origin_host) == public_host
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))
}

/// Resolves the admin session, checking CSRF for cookie-authenticated unsafe requests unless the
/// caller verifies a form field itself (`csrf_checked_by_caller`).
pub async fn admin_session(
    req: &HttpRequest,
    csrf_checked_by_caller: bool,
) -> Result<AdminSession, AppError> {
    let state = app_state(req)?;
    let ip = client_ip(req, &state.settings.trusted_proxies);
    let (raw, carrier) = match presented_credential(req) {
        Presented::Bearer(token) => (token, Carrier::Bearer),
        Presented::Cookie(token) => (token, Carrier::Cookie),
        Presented::ServiceToken(bearer) => {
            // A bad token is a 401 like every bad credential (and counts towards throttling);
            // only a holder of a valid token learns that this route wants an admin.
            let record =
                service_token::authenticate(&state.store, &state.throttle, &bearer, ip).await?;
            note_caller(req, "service_token", &record.id);
            return Err(AppError::Forbidden(String::from(
                "Service tokens cannot access this route; it needs an admin session",
            )));
        }
        Presented::Nothing => return Err(AppError::Unauthorized(INVALID_CREDENTIALS.to_owned())),
    };
    let session = session::authenticate(&state.store, &state.throttle, &raw, carrier, ip).await?;
    note_caller(req, "user", &session.user_id);
    if session.via_cookie && is_unsafe(req.method()) && !csrf_checked_by_caller {
        let presented = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        let token_ok = csrf_tokens_match(presented, &session.csrf_token);
        if !token_ok || !origin_is_same_site(req, state.settings.public_url.as_deref(), false) {
            return Err(AppError::Forbidden(String::from(
                "Missing or invalid CSRF token (send the X-CSRF-Token header from login) or a cross-site Origin",
            )));
        }
    }
    Ok(session)
}

impl FromRequest for AdminSession {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { admin_session(&req, false).await })
    }
}

/// For routes that both admins and service tokens may call (secrets, folders).
impl FromRequest for Access {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Presented::ServiceToken(bearer) = presented_credential(&req) {
                let state = app_state(&req)?;
                let ip = client_ip(&req, &state.settings.trusted_proxies);
                let record =
                    service_token::authenticate(&state.store, &state.throttle, &bearer, ip).await?;
                let access = Access::Token { record, ip };
                note_caller(&req, access.actor_kind(), access.actor_id());
                return Ok(access);
            }
            Ok(Access::Admin(admin_session(&req, false).await?))
        })
    }
}
