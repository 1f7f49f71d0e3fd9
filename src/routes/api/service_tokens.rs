//! `/api/v1/projects/{projectId}/service-tokens` (admin session only). No update route: tokens
//! are immutable, so PUT and PATCH answer 405.

use super::resource;
use super::responses::{BodyRejected, Denied, Missing};
use crate::auth::AdminSession;
use crate::domain::{AllowedIps, EnvSlug, ExpiresIn, Name, Permissions, ScopeGlob};
use crate::error::{AppError, AppResult};
use crate::routes::extract::{present, Fields};
use crate::service::tokens::{self, NewToken, MAX_SCOPES};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/{projectId}/service-tokens")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(resource("/{projectId}/service-tokens/{tokenId}").route(web::delete().to(revoke)));
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ServiceTokenScope)]
#[serde(rename_all = "camelCase")]
pub struct ScopeBody {
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,63}$", example = "dev")]
    pub environment: Option<String>,
    #[schema(example = "/app/**")]
    pub secret_path: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ServiceTokenCreateBody)]
#[serde(rename_all = "camelCase")]
pub struct CreateBody {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub scopes: Option<Vec<ScopeBody>>,
    #[schema(example = json!(["read", "write"]))]
    pub permissions: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 60, maximum = 315360000)]
    pub expires_in: Option<serde_json::Value>,
    pub allowed_ips: Option<Vec<String>>,
}

/// Validates a mint request, reporting every invalid field at once. `zero_means_never` is the
/// Infisical-compatible route's rule for `expiresIn: 0`.
pub fn validate(body: &CreateBody, zero_means_never: bool) -> AppResult<NewToken> {
    let mut fields = Fields::default();
    let name = fields
        .required("name", body.name.as_deref())
        .and_then(|n| fields.check("name", Name::parse(n)));
    let mut scopes = Vec::new();
    match body.scopes.as_deref() {
        None | Some([]) => fields.push(
            "scopes",
            "at least one scope {environment, secretPath} is required",
        ),
        Some(list) if list.len() > MAX_SCOPES => {
            fields.push("scopes", format!("at most {MAX_SCOPES} scopes"))
        }
        Some(list) => {
            for (i, scope) in list.iter().enumerate() {
                let env = fields
                    .required(
                        &format!("scopes[{i}].environment"),
                        scope.environment.as_deref(),
                    )
                    .and_then(|e| {
                        fields.check(&format!("scopes[{i}].environment"), EnvSlug::parse(e))
                    });
                let glob = fields.check(
                    &format!("scopes[{i}].secretPath"),
                    ScopeGlob::parse(scope.secret_path.as_deref().unwrap_or("/")),
                );
                if let (Some(env), Some(glob)) = (env, glob) {
                    scopes.push((env, glob));
                }
            }
        }
    }
    let permissions = match body.permissions.as_deref() {
        None => {
            fields.push(
                "permissions",
                "is required: [\"read\"], [\"write\"] or [\"read\", \"write\"]",
            );
            None
        }
        Some(list) => fields.check("permissions", Permissions::parse(list)),
    };
    let expires_in = match &body.expires_in {
        None => {
            fields.push(
                "expiresIn",
                "is required: seconds from 60 to 315360000, or null for never",
            );
            None
        }
        Some(serde_json::Value::Number(n)) if zero_means_never && n.as_i64() == Some(0) => {
            Some(ExpiresIn::Never)
        }
        Some(value) => fields.check("expiresIn", ExpiresIn::from_json(value)),
    };
    let allowed_ips = fields.check(
        "allowedIps",
        AllowedIps::parse(body.allowed_ips.as_deref().unwrap_or(&[])),
    );
    fields.finish()?;
    match (name, permissions, expires_in, allowed_ips) {
        (Some(name), Some(permissions), Some(expires_in), Some(allowed_ips)) => Ok(NewToken {
            name,
            scopes,
            permissions,
            expires_in,
            allowed_ips,
            client_wrapped_key: None,
        }),
        _ => Err(AppError::internal("validated fields missing")),
    }
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/service-tokens", operation_id = "listServiceTokens", tag = "service-tokens",
    description = "Service tokens of a project (metadata only)",
    params(("projectId" = String, Path, description = "Project id (32 hex characters)")),
    responses(
        (status = 200, description = "Tokens"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    _session: AdminSession,
    project: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(json!({ "serviceTokens": tokens::list(&state.store, &project).await? })))
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/service-tokens", operation_id = "createServiceToken", tag = "service-tokens",
    description = "Mint a service token; the full token is shown once",
    params(("projectId" = String, Path, description = "Project id (32 hex characters)")),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The token and its metadata"),
        Denied, BodyRejected, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    state: web::Data<AppState>,
    session: AdminSession,
    project: web::Path<String>,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let new = validate(&body, false)?;
    let minted = tokens::mint(&state.store, &session, &project, new).await?;
    Ok(HttpResponse::Created().json(json!({ "token": minted.token, "serviceToken": minted.view })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/service-tokens/{tokenId}", operation_id = "revokeServiceToken", tag = "service-tokens",
    description = "Revoke a service token",
    params(
        ("projectId" = String, Path, description = "Project id (32 hex characters)"),
        ("tokenId" = String, Path, description = "Token id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn revoke(
    state: web::Data<AppState>,
    session: AdminSession,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (project, token) = path.into_inner();
    tokens::revoke(&state.store, &session, &project, &token).await?;
    Ok(HttpResponse::NoContent().finish())
}
