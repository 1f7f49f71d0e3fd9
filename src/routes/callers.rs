//! Who is calling, from the HTTP request: the credential's carrier (bearer header or cookie),
//! the CSRF and same-site checks of cookie-authenticated requests, and the extractors that give
//! handlers an `AdminSession` or a `Caller` (admin or service token). Each names the caller it
//! found on the request's log line.

use super::client_ip::client_ip;
use super::request_log::note_caller;
use crate::auth::identity;
use crate::auth::service_token::{self, INVALID_CREDENTIALS};
use crate::auth::session::{self, csrf_tokens_match, Carrier, COOKIE_NAME};
use crate::auth::{AdminSession, Caller};
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
    /// A machine identity's access token, `mi.` included.
    IdentityToken(String),
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
                } else if rest.starts_with(identity::TOKEN_PREFIX) {
                    Presented::IdentityToken(rest.to_owned())
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

/// What an `Origin: null` header means for a same-site check. The UI's HTML forms are posted
/// with `Origin: null` under `Referrer-Policy: no-referrer` (sent on every response); their
/// `csrf_token` field, which a foreign page cannot read, proves where they came from. API calls
/// from scripts always carry a real origin, so there `null` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullOrigin {
    Allowed,
    Refused,
}

/// Who checks the CSRF token of a cookie-authenticated unsafe request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Csrf {
    /// The `X-CSRF-Token` header, checked here (JSON API calls from a browser).
    CheckedByHeader,
    /// The form's `csrf_token` field, checked by the form extractor (the UI's POSTs).
    CheckedByForm,
}

/// Is the request's `Origin`, when the browser sent one, this site (its `Host` or the
/// configured public URL)? The one same-site check for API calls and UI forms alike.
pub fn same_site(req: &HttpRequest, null_origin: NullOrigin) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return true;
    };
    if origin == "null" {
        return null_origin == NullOrigin::Allowed;
    }
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let public_url = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.settings.public_url.clone());
    let public_host = public_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .map(|(_, h)| h);
    origin_host == host || Some(origin_host) == public_host
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))
}

/// The routes a session whose user must enrol in MFA may still use: enrolment itself and
/// logging out (API and UI). Decided on the route pattern that matched, not the raw path.
fn open_before_enrolment(req: &HttpRequest) -> bool {
    let Some(pattern) = req.match_pattern() else {
        return false;
    };
    pattern.starts_with("/api/v1/auth/mfa/")
        || pattern.starts_with("/account/mfa/")
        || matches!(
            pattern.as_str(),
            "/api/v1/auth/logout" | "/logout" | "/account"
        )
}

/// Resolves the admin session; for a cookie-authenticated unsafe request, also its CSRF token
/// and same-site `Origin` when `csrf` says the header is checked here.
pub async fn admin_session(req: &HttpRequest, csrf: Csrf) -> Result<AdminSession, AppError> {
    let state = app_state(req)?;
    let ip = client_ip(req, &state.settings.trusted_proxies);
    let (raw, carrier) = match presented_credential(req) {
        Presented::Bearer(token) => (token, Carrier::Bearer),
        Presented::Cookie(token) => (token, Carrier::Cookie),
        Presented::ServiceToken(bearer) => {
            // A bad token is a 401 like every bad credential (and counts towards throttling);
            // only a holder of a valid token learns that this route wants an admin.
            let record =
                service_token::authenticate(&state.store, &state.throttle, &bearer, &ip).await?;
            note_caller(req, "service_token", &record.id);
            return Err(AppError::Forbidden(String::from(
                "Service tokens cannot access this route; it needs a user session",
            )));
        }
        Presented::IdentityToken(bearer) => {
            let record =
                identity::authenticate(&state.store, &state.throttle, &bearer, &ip).await?;
            note_caller(req, "identity", &record.identity_id);
            return Err(AppError::Forbidden(String::from(
                "Machine identities cannot access this route; it needs an admin session",
            )));
        }
        Presented::Nothing => return Err(AppError::Unauthorized(INVALID_CREDENTIALS.to_owned())),
    };
    let session = session::authenticate(&state.store, &state.throttle, &raw, carrier, ip).await?;
    note_caller(req, "user", &session.user_id);
    if session.mfa.must_enrol(state.settings.require_mfa) && !open_before_enrolment(req) {
        return Err(AppError::MfaEnrolmentRequired(String::from(
            "This server requires MFA: enrol an authenticator (POST /api/v1/auth/mfa/totp, or the Account page) or log out",
        )));
    }
    if session.via_cookie && is_unsafe(req.method()) && csrf == Csrf::CheckedByHeader {
        let presented = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        let token_ok = csrf_tokens_match(presented, &session.csrf_token);
        if !token_ok || !same_site(req, NullOrigin::Refused) {
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
        Box::pin(async move { admin_session(&req, Csrf::CheckedByHeader).await })
    }
}

/// For routes that admins, service tokens and identities may call (secrets, folders). An
/// identity is narrowed to the project named in the URL, when there is one (the Infisical
/// routes narrow it to the project their parameters name).
impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Presented::IdentityToken(bearer) = presented_credential(&req) {
                let state = app_state(&req)?;
                let ip = client_ip(&req, &state.settings.trusted_proxies);
                let record =
                    identity::authenticate(&state.store, &state.throttle, &bearer, &ip).await?;
                note_caller(&req, "identity", &record.identity_id);
                let caller = Caller::Identity { record, ip };
                return Ok(match req.match_info().get("projectId") {
                    Some(project) => caller.for_project(project),
                    None => caller,
                });
            }
            if let Presented::ServiceToken(bearer) = presented_credential(&req) {
                let state = app_state(&req)?;
                let ip = client_ip(&req, &state.settings.trusted_proxies);
                let record =
                    service_token::authenticate(&state.store, &state.throttle, &bearer, &ip)
                        .await?;
                let caller = Caller::Token { record, ip };
                note_caller(&req, caller.actor_kind(), caller.actor_id());
                return Ok(caller);
            }
            Ok(Caller::Admin(
                admin_session(&req, Csrf::CheckedByHeader).await?,
            ))
        })
    }
}
