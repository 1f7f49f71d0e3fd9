//! Admin sessions: a random id in an HttpOnly cookie or as `Authorization: Bearer`, stored as
//! its SHA-256. Cookie-authenticated unsafe requests need the session's CSRF token in
//! `X-CSRF-Token` and, when an `Origin` header is sent, a same-site origin.

use super::client_ip::client_ip;
use super::service_token::{credential_failure, INVALID_CREDENTIALS};
use crate::crypto::random::sha256;
use crate::db::sessions;
use crate::error::AppError;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use subtle::ConstantTimeEq;

pub const COOKIE_NAME: &str = "envkeep_session";

#[derive(Debug, Clone)]
pub struct AdminSession {
    pub user_id: String,
    pub email: String,
    pub csrf_token: String,
    pub id_hash: [u8; 32],
    pub via_cookie: bool,
    pub ip: IpAddr,
}

/// Where the request's session id came from.
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

/// Constant-time comparison of a presented CSRF token (header or form field) with the session's.
pub fn csrf_tokens_match(presented: Option<&str>, expected: &str) -> bool {
    let presented = presented.unwrap_or("");
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
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

impl AdminSession {
    /// Resolves the session, checking CSRF for cookie-authenticated unsafe requests unless the
    /// caller verifies a form field itself (`csrf_checked_by_caller`).
    pub async fn resolve(
        req: &HttpRequest,
        csrf_checked_by_caller: bool,
    ) -> Result<Self, AppError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::internal("application state missing"))?
            .clone();
        let ip = client_ip(req, &state.settings.trusted_proxies);
        let (raw, via_cookie) = match presented_credential(req) {
            Presented::Bearer(token) => (token, false),
            Presented::Cookie(token) => (token, true),
            Presented::ServiceToken(bearer) => {
                // A bad token is a 401 like every bad credential (and counts towards throttling);
                // only a holder of a valid token learns that this route wants an admin.
                super::service_token::authenticate(&state, &bearer, ip).await?;
                return Err(AppError::Forbidden(String::from(
                    "Service tokens cannot access this route; it needs an admin session",
                )));
            }
            Presented::Nothing => {
                return Err(AppError::Unauthorized(INVALID_CREDENTIALS.to_owned()))
            }
        };
        if raw.is_empty() || raw.len() > 256 {
            return Err(credential_failure(&state, ip, INVALID_CREDENTIALS));
        }
        let id_hash = sha256(raw.as_bytes());
        let now = now_millis();
        let row = state
            .db
            .run(move |conn| sessions::find_live(conn, &id_hash, now))
            .await?;
        let Some(row) = row else {
            return Err(credential_failure(&state, ip, INVALID_CREDENTIALS));
        };
        if via_cookie && is_unsafe(req.method()) && !csrf_checked_by_caller {
            let presented = req
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            let token_ok = csrf_tokens_match(presented, &row.csrf_token);
            if !token_ok || !origin_is_same_site(req, state.settings.public_url.as_deref(), false) {
                return Err(AppError::Forbidden(String::from(
                    "Missing or invalid CSRF token (send the X-CSRF-Token header from login) or a cross-site Origin",
                )));
            }
        }
        Ok(Self {
            user_id: row.user_id,
            email: row.email,
            csrf_token: row.csrf_token,
            id_hash,
            via_cookie,
            ip,
        })
    }
}

impl FromRequest for AdminSession {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { AdminSession::resolve(&req, false).await })
    }
}
