//! TOTP enrolment, recovery codes and turning MFA off, for the logged-in person. These are the
//! routes (with logout) a session may use while the server requires MFA its user lacks.

use super::responses::{BodyRejected, Conflict, Denied, Throttled};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::error::AppResult;
use crate::service::fields::{all, field, required};
use crate::service::mfa;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    POST "/api/v1/auth/mfa/totp" => begin,
    POST "/api/v1/auth/mfa/totp/confirm" => confirm,
    POST "/api/v1/auth/mfa/totp/disable" => disable,
    POST "/api/v1/auth/mfa/recovery-codes" => recovery_codes,
];

#[derive(Deserialize, utoipa::ToSchema)]
struct PasswordOnly {
    password: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/auth/mfa/totp", operation_id = "beginTotp", tag = "mfa",
    description = "Start TOTP enrolment: a secret pending for 10 minutes",
    request_body = PasswordOnly,
    responses((status = 200, description = "secret and otpauthUrl"), BodyRejected, Denied, Conflict, Throttled),
    security(("bearer" = []), ("cookie" = []))
)]
async fn begin(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<PasswordOnly>,
) -> AppResult<HttpResponse> {
    let password = all((field("password", required(body.password.as_deref())),))?.0;
    let enrolment = mfa::begin(&state.store, &state.guards(), &session, password).await?;
    Ok(HttpResponse::Ok().json(enrolment))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CodeOnly {
    code: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/auth/mfa/totp/confirm", operation_id = "confirmTotp", tag = "mfa",
    description = "Confirm enrolment with a code; answers the 10 recovery codes, shown once",
    request_body = CodeOnly,
    responses((status = 200, description = "recoveryCodes"), BodyRejected, Denied, Conflict, Throttled),
    security(("bearer" = []), ("cookie" = []))
)]
async fn confirm(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<CodeOnly>,
) -> AppResult<HttpResponse> {
    let code = all((field("code", required(body.code.as_deref())),))?.0;
    let codes = mfa::confirm(&state.store, &state.throttle, &session, code).await?;
    Ok(HttpResponse::Ok().json(json!({ "recoveryCodes": codes })))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PasswordAndCode {
    password: Option<String>,
    /// A current TOTP code or a recovery code.
    code: Option<String>,
}

fn password_and_code(body: &PasswordAndCode) -> AppResult<(&str, &str)> {
    Ok(all((
        field("password", required(body.password.as_deref())),
        field("code", required(body.code.as_deref())),
    ))?)
}

#[utoipa::path(
    post, path = "/api/v1/auth/mfa/totp/disable", operation_id = "disableTotp", tag = "mfa",
    description = "Turn MFA off (password and a code)",
    request_body = PasswordAndCode,
    responses((status = 204, description = "MFA off"), BodyRejected, Denied, Throttled),
    security(("bearer" = []), ("cookie" = []))
)]
async fn disable(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<PasswordAndCode>,
) -> AppResult<HttpResponse> {
    let (password, code) = password_and_code(&body)?;
    mfa::disable(&state.store, &state.guards(), &session, password, code).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    post, path = "/api/v1/auth/mfa/recovery-codes", operation_id = "newRecoveryCodes", tag = "mfa",
    description = "A new set of recovery codes (the old set stops working)",
    request_body = PasswordAndCode,
    responses((status = 200, description = "recoveryCodes"), BodyRejected, Denied, Conflict, Throttled),
    security(("bearer" = []), ("cookie" = []))
)]
async fn recovery_codes(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<PasswordAndCode>,
) -> AppResult<HttpResponse> {
    let (password, code) = password_and_code(&body)?;
    let codes =
        mfa::regenerate_recovery_codes(&state.store, &state.guards(), &session, password, code)
            .await?;
    Ok(HttpResponse::Ok().json(json!({ "recoveryCodes": codes })))
}
