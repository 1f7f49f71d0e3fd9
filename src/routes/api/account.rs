//! A logged-in person's own account: who they are, their password, their sessions.

use super::responses::{BodyRejected, Denied, Missing, Throttled};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::domain::Password;
use crate::error::AppResult;
use crate::service::fields::{all, field, required};
use crate::service::{me, passwords, sessions};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/api/v1/auth/me" => show_me,
    POST "/api/v1/auth/password" => change_password,
    GET "/api/v1/auth/sessions" => list_sessions,
    DELETE "/api/v1/auth/sessions/{sessionId}" => end_session,
];

#[utoipa::path(
    get, path = "/api/v1/auth/me", operation_id = "me", tag = "accounts",
    description = "The logged-in person (sessions only): role, MFA and recovery codes left",
    responses((status = 200, description = "The user"), Denied),
    security(("bearer" = []), ("cookie" = []))
)]
async fn show_me(state: web::Data<AppState>, session: AdminSession) -> AppResult<HttpResponse> {
    let user = me::me(&state.store, &session, state.settings.require_mfa).await?;
    Ok(HttpResponse::Ok().json(json!({ "user": user })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct PasswordBody {
    current_password: Option<String>,
    new_password: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/auth/password", operation_id = "changePassword", tag = "accounts",
    description = "Change the caller's password; ends their other sessions",
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed"),
        BodyRejected, Denied, Throttled,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn change_password(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<PasswordBody>,
) -> AppResult<HttpResponse> {
    let (current, new) = all((
        field(
            "currentPassword",
            required(body.current_password.as_deref()),
        ),
        field(
            "newPassword",
            required(body.new_password.as_deref()).and_then(Password::parse),
        ),
    ))?;
    passwords::change(&state.store, &state.guards(), &session, current, new).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    get, path = "/api/v1/auth/sessions", operation_id = "listSessions", tag = "accounts",
    description = "The caller's live sessions (never a credential)",
    responses((status = 200, description = "The sessions"), Denied),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list_sessions(
    state: web::Data<AppState>,
    session: AdminSession,
) -> AppResult<HttpResponse> {
    let list = sessions::list(&state.store, &session).await?;
    Ok(HttpResponse::Ok().json(json!({ "sessions": list })))
}

#[utoipa::path(
    delete, path = "/api/v1/auth/sessions/{sessionId}", operation_id = "endSession", tag = "accounts",
    description = "End one of the caller's sessions",
    params(("sessionId" = String, Path, description = "The session's public id")),
    responses((status = 204, description = "Ended"), Denied, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn end_session(
    state: web::Data<AppState>,
    session: AdminSession,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    sessions::end(&state.store, &session, &path).await?;
    Ok(HttpResponse::NoContent().finish())
}
