//! Password resets without mail: an owner or admin makes a one-time link for a user and hands
//! it over; whoever opens it sets a new password. Also ending another user's sessions.

use super::responses::{BodyRejected, Denied, Missing, Throttled};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::domain::Password;
use crate::error::AppResult;
use crate::routes::client_ip::client_ip;
use crate::service::fields::{all, field, required};
use crate::service::passwords::{self, reset_url, RELATIVE_LINK_NOTE};
use crate::state::AppState;
use crate::time::rfc3339;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    POST "/api/v1/auth/password-reset" => use_reset,
    POST "/api/v1/users/{userId}/password-reset" => create,
    DELETE "/api/v1/users/{userId}/sessions" => end_sessions,
];

#[utoipa::path(
    post, path = "/api/v1/users/{userId}/password-reset", operation_id = "createPasswordReset", tag = "accounts",
    description = "A one-time password-reset link for a user, valid 24 hours (owners and admins; an owner's only by an owner)",
    params(("userId" = String, Path, description = "User id")),
    responses((status = 201, description = "url, expiresAt"), Denied, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    state: web::Data<AppState>,
    session: AdminSession,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (code, expires_at) = passwords::create_reset(&state.store, &session, &path).await?;
    let public_url = state.settings.public_url.as_deref();
    let mut body = json!({ "url": reset_url(public_url, &code), "expiresAt": rfc3339(expires_at) });
    if public_url.is_none() {
        body["note"] = json!(RELATIVE_LINK_NOTE);
    }
    Ok(HttpResponse::Created().json(body))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResetBody {
    code: Option<String>,
    new_password: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/auth/password-reset", operation_id = "usePasswordReset", tag = "accounts",
    description = "Set a new password with a reset code; ends all the user's sessions, leaves MFA as it was",
    request_body = ResetBody,
    responses(
        (status = 204, description = "Password set"),
        (status = 410, description = "Unknown, used or expired code"),
        BodyRejected, Throttled,
    )
)]
async fn use_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ResetBody>,
) -> AppResult<HttpResponse> {
    let (code, new) = all((
        field("code", required(body.code.as_deref())),
        field(
            "newPassword",
            required(body.new_password.as_deref()).and_then(Password::parse),
        ),
    ))?;
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    passwords::use_reset(&state.store, &state.guards(), code, new, &ip).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    delete, path = "/api/v1/users/{userId}/sessions", operation_id = "endUserSessions", tag = "accounts",
    description = "End every session of a user (owners and admins; an owner's only by an owner)",
    params(("userId" = String, Path, description = "User id")),
    responses((status = 204, description = "Ended"), Denied, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn end_sessions(
    state: web::Data<AppState>,
    session: AdminSession,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    passwords::end_sessions_of(&state.store, &session, &path).await?;
    Ok(HttpResponse::NoContent().finish())
}
