//! Server-wide settings an owner controls: whether everyone must use MFA.

use super::responses::{BodyRejected, Denied};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::error::{AppError, AppResult};
use crate::service::mfa;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/api/v1/settings" => show,
    PATCH "/api/v1/settings" => update,
];

async fn view(state: &AppState) -> AppResult<serde_json::Value> {
    let owner = mfa::required_by_owner(&state.store).await?;
    let server = state.settings.require_mfa;
    Ok(json!({ "settings": {
        "requireMfa": owner || server,
        "requireMfaByOwner": owner,
        "requireMfaByServer": server,
    } }))
}

#[utoipa::path(
    get, path = "/api/v1/settings", operation_id = "getSettings", tag = "accounts",
    description = "Whether MFA is required: by the owner's setting, or by ENVKEEP_REQUIRE_MFA",
    responses((status = 200, description = "The settings"), Denied),
    security(("bearer" = []), ("cookie" = []))
)]
async fn show(state: web::Data<AppState>, _session: AdminSession) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(view(&state).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct SettingsBody {
    require_mfa: Option<bool>,
}

#[utoipa::path(
    patch, path = "/api/v1/settings", operation_id = "updateSettings", tag = "accounts",
    description = "Require MFA of everyone (owners only)",
    request_body = SettingsBody,
    responses((status = 200, description = "The settings"), BodyRejected, Denied),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<SettingsBody>,
) -> AppResult<HttpResponse> {
    let Some(required) = body.require_mfa else {
        return Err(AppError::validation("requireMfa", "is required"));
    };
    mfa::set_required_by_owner(&state.store, &session, required).await?;
    Ok(HttpResponse::Ok().json(view(&state).await?))
}
