//! `/api/v1/projects/{projectId}/identities`: machine identities attached to a project with a
//! role (`developer` or `viewer`) and an optional environment list (a project admin's action).

use super::responses::{BodyRejected, Conflict, Denied, Missing};
use super::urls::ProjectUrl;
use super::Endpoint;
use crate::auth::AdminSession;
use crate::domain::{EnvSlug, IdentityRole};
use crate::error::{AppError, AppResult};
use crate::service::identities::{self, Attach, Grant};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/identities" => list,
    POST "/{projectId}/identities" => attach,
    PATCH "/{projectId}/identities/{identityId}" => update,
    DELETE "/{projectId}/identities/{identityId}" => detach,
];

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct MemberUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
    /// Identity id
    pub identity_id: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = IdentityMembershipBody)]
#[serde(rename_all = "camelCase")]
struct Body {
    /// On POST only
    identity_id: Option<String>,
    /// `developer` or `viewer`
    role: Option<String>,
    /// Environment slugs; left out = every environment
    environments: Option<Vec<String>>,
}

fn grant(body: &Body) -> AppResult<Grant> {
    let role = body
        .role
        .as_deref()
        .ok_or_else(|| AppError::validation("role", "is required"))
        .and_then(|r| IdentityRole::parse(r).map_err(|e| AppError::validation("role", e.0)))?;
    let environments = body
        .environments
        .as_ref()
        .map(|envs| {
            envs.iter()
                .map(|e| EnvSlug::parse(e).map(|s| s.as_str().to_owned()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| AppError::validation("environments", e.0))
        })
        .transpose()?;
    Ok(Grant { role, environments })
}

#[utoipa::path(get, path = "/api/v1/projects/{projectId}/identities", operation_id = "listProjectIdentities", tag = "identities",
    description = "Identities attached to the project", params(ProjectUrl),
    responses((status = 200, description = "`{identities: [{identityId, projectId, role, environments, createdAt}]}`"), Denied, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn list(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<ProjectUrl>,
) -> AppResult<HttpResponse> {
    let found = identities::list_members(&state.store, &admin, &url.project_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "identities": found })))
}

#[utoipa::path(post, path = "/api/v1/projects/{projectId}/identities", operation_id = "attachIdentity", tag = "identities",
    description = "Attach an identity with a role and environments", params(ProjectUrl), request_body = Body,
    responses((status = 201, description = "`{identity}` (the membership)"), Denied, BodyRejected, Missing, Conflict),
    security(("bearer" = []), ("cookie" = [])))]
async fn attach(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<ProjectUrl>,
    body: web::Json<Body>,
) -> AppResult<HttpResponse> {
    let identity_id = body
        .identity_id
        .clone()
        .ok_or_else(|| AppError::validation("identityId", "is required"))?;
    let grant = grant(&body)?;
    let member = identities::set_membership(
        &state.store,
        &admin,
        &url.project_id,
        &identity_id,
        grant,
        Attach::New,
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({ "identity": member })))
}

#[utoipa::path(patch, path = "/api/v1/projects/{projectId}/identities/{identityId}", operation_id = "updateIdentityMembership", tag = "identities",
    description = "Change the role and environments (takes effect on the identity's tokens at once)", params(MemberUrl), request_body = Body,
    responses((status = 200, description = "`{identity}`"), Denied, BodyRejected, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn update(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<MemberUrl>,
    body: web::Json<Body>,
) -> AppResult<HttpResponse> {
    let grant = grant(&body)?;
    let member = identities::set_membership(
        &state.store,
        &admin,
        &url.project_id,
        &url.identity_id,
        grant,
        Attach::Existing,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "identity": member })))
}

#[utoipa::path(delete, path = "/api/v1/projects/{projectId}/identities/{identityId}", operation_id = "detachIdentity", tag = "identities",
    description = "Detach the identity from the project", params(MemberUrl),
    responses((status = 204, description = "Detached"), Denied, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn detach(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<MemberUrl>,
) -> AppResult<HttpResponse> {
    identities::detach(&state.store, &admin, &url.project_id, &url.identity_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
