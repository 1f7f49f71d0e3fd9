//! `/api/v1/projects/{projectId}/members` (project admins, admins and owners).

use super::responses::{BodyRejected, Conflict, Denied, Missing};
use super::urls::{MemberUrl, ProjectUrl};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::domain::{Email, Environments, Invalid, Membership, ProjectRole};
use crate::error::AppResult;
use crate::service::fields::{all, field, present, required};
use crate::service::members::{self, Change};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/members" => list,
    POST "/{projectId}/members" => add,
    PATCH "/{projectId}/members/{userId}" => update,
    DELETE "/{projectId}/members/{userId}" => remove,
];

/// `environments` as sent: absent (`None`), `null` (all) or a list of slugs.
fn environments(value: Option<&serde_json::Value>) -> Result<Option<Environments>, Invalid> {
    match value {
        None => Ok(None),
        Some(serde_json::Value::Null) => Ok(Some(Environments::All)),
        Some(serde_json::Value::Array(items)) => {
            let slugs = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Invalid::new("must be a list of environment slugs, or null"))?;
            Environments::parse(Some(&slugs)).map(Some)
        }
        Some(_) => Err(Invalid::new("must be a list of environment slugs, or null")),
    }
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/members", operation_id = "listMembers", tag = "members",
    description = "The project's members (`environments: null` = all)",
    params(ProjectUrl),
    responses((status = 200, description = "Members"), Denied, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
) -> AppResult<HttpResponse> {
    let found = members::list(&state.store, &session, &url.project_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "members": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = MemberAddBody)]
struct AddBody {
    /// The e-mail of an existing user (invite them first)
    email: Option<String>,
    /// admin, developer or viewer
    role: Option<String>,
    /// Environment slugs, or null / absent for all (an admin takes no list)
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    environments: Option<serde_json::Value>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/members", operation_id = "addMember", tag = "members",
    description = "Add an existing user to the project",
    params(ProjectUrl),
    request_body = AddBody,
    responses((status = 201, description = "The member"), Denied, BodyRejected, Missing, Conflict),
    security(("bearer" = []), ("cookie" = []))
)]
async fn add(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
    body: web::Json<AddBody>,
) -> AppResult<HttpResponse> {
    let (email, role, envs) = all((
        field(
            "email",
            required(body.email.as_deref()).and_then(Email::parse),
        ),
        field(
            "role",
            required(body.role.as_deref()).and_then(ProjectRole::parse),
        ),
        field("environments", environments(body.environments.as_ref())),
    ))?;
    let membership = field(
        "environments",
        Membership::new(role, envs.unwrap_or(Environments::All)),
    )?;
    let member = members::add(
        &state.store,
        &session,
        &url.project_id,
        email.as_str().to_owned(),
        membership,
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({ "member": member })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = MemberUpdateBody)]
struct UpdateBody {
    /// admin, developer or viewer
    role: Option<String>,
    /// Environment slugs, or null for all; absent keeps them
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    environments: Option<serde_json::Value>,
}

#[utoipa::path(
    patch, path = "/api/v1/projects/{projectId}/members/{userId}", operation_id = "updateMember", tag = "members",
    description = "Change a member's role or environments",
    params(MemberUrl),
    request_body = UpdateBody,
    responses((status = 200, description = "The member"), Denied, BodyRejected, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<MemberUrl>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let (role, environments) = all((
        field(
            "role",
            body.role.as_deref().map(ProjectRole::parse).transpose(),
        ),
        field("environments", environments(body.environments.as_ref())),
    ))?;
    let change = Change { role, environments };
    let member = members::update(
        &state.store,
        &session,
        &url.project_id,
        &url.user_id,
        change,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "member": member })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/members/{userId}", operation_id = "removeMember", tag = "members",
    description = "Remove a member from the project",
    params(MemberUrl),
    responses((status = 204, description = "Removed"), Denied, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn remove(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<MemberUrl>,
) -> AppResult<HttpResponse> {
    members::remove(&state.store, &session, &url.project_id, &url.user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
