//! Setup, login, logout, and "who am I" for a service token.

use super::responses::{BodyRejected, Conflict, Denied, Throttled};
use super::Endpoint;
use crate::auth::{AdminSession, Caller};
use crate::domain::{Email, Password};
use crate::error::{AppError, AppResult};
use crate::routes::client_ip::{client_ip, login_client};
use crate::routes::cookies::{expired_cookie, session_cookie};
use crate::service::fields::{all, field, required};
use crate::service::{accounts, login, tokens};
use crate::state::AppState;
use crate::time::rfc3339;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    POST "/api/v1/setup" => setup,
    POST "/api/v1/auth/login" => login,
    POST "/api/v1/auth/logout" => logout,
    GET "/api/v1/auth/token" => whoami,
];

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct SetupBody {
    setup_code: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/setup", operation_id = "setup", tag = "accounts",
    description = "First-run setup with the logged setup code",
    request_body = SetupBody,
    responses(
        (status = 201, description = "The first admin"),
        BodyRejected, Conflict, Throttled,
    )
)]
async fn setup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SetupBody>,
) -> AppResult<HttpResponse> {
    if !state.setup.is_open() {
        return Err(AppError::Conflict(String::from(
            "Setup is already complete; log in instead",
        )));
    }
    let (code, email, password) = all((
        field("setupCode", required(body.setup_code.as_deref())),
        field(
            "email",
            required(body.email.as_deref()).and_then(Email::parse),
        ),
        field(
            "password",
            required(body.password.as_deref()).and_then(Password::parse),
        ),
    ))?;
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    let user = accounts::setup(&state.store, &state.guards(), code, email, password, &ip).await?;
    Ok(HttpResponse::Created().json(json!({ "user": { "id": user.id, "email": user.email, "role": user.role.as_str(), "createdAt": rfc3339(user.created_at) } })))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LoginBody {
    email: Option<String>,
    password: Option<String>,
    /// A TOTP code or a recovery code, for accounts with MFA.
    totp: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/auth/login", operation_id = "login", tag = "accounts",
    description = "Log in: a session token, its CSRF token, and the session cookie",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Session created"),
        (status = 401, description = "Wrong e-mail or password; or MfaRequired: the password was right and the TOTP code is missing or wrong"),
        BodyRejected, Throttled,
    )
)]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginBody>,
) -> AppResult<HttpResponse> {
    let (email, password) = all((
        field("email", required(body.email.as_deref())),
        field("password", required(body.password.as_deref())),
    ))?;
    let client = login_client(&req, &state.settings.trusted_proxies);
    let totp = body.totp.as_deref();
    let session = login::login(
        &state.store,
        &state.guards(),
        email,
        password,
        totp,
        &client,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(&state.settings, &session.token))
        .json(json!({ "token": session.token, "expiresAt": rfc3339(session.expires_at), "csrfToken": session.csrf_token })))
}

#[utoipa::path(
    post, path = "/api/v1/auth/logout", operation_id = "logout", tag = "accounts",
    description = "End the session",
    responses(
        (status = 204, description = "Logged out"),
        Denied,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn logout(state: web::Data<AppState>, session: AdminSession) -> AppResult<HttpResponse> {
    accounts::logout(&state.store, session.id_hash, &session.user_id, &session.ip).await?;
    Ok(HttpResponse::NoContent().cookie(expired_cookie()).finish())
}

/// A service token's own metadata (clients discover their project here); for an admin session,
/// the logged-in user.
#[utoipa::path(
    get, path = "/api/v1/auth/token", operation_id = "whoami", tag = "accounts",
    description = "The calling service token (or admin)",
    responses(
        (status = 200, description = "The caller"),
        Denied, Throttled,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn whoami(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    match &caller {
        Caller::Token { record, .. } => {
            let (_, view) = tokens::find(&state.store, &record.id)
                .await?
                .ok_or_else(|| {
                    AppError::Unauthorized(
                        crate::auth::service_token::INVALID_CREDENTIALS.to_owned(),
                    )
                })?;
            Ok(HttpResponse::Ok().json(json!({ "kind": "serviceToken", "serviceToken": view })))
        }
        Caller::Admin(session) => Ok(HttpResponse::Ok().json(
            json!({ "kind": "user", "user": { "id": session.user_id, "email": session.email, "role": session.role.as_str() } }),
        )),
        Caller::Identity { record, .. } => Ok(HttpResponse::Ok().json(json!({
            "kind": "identity",
            "identity": {
                "id": record.identity_id,
                "projects": record.memberships.iter().map(|m| json!({
                    "projectId": m.project_id, "role": m.role.as_str(), "environments": m.environments,
                })).collect::<Vec<_>>(),
            },
        }))),
    }
}
