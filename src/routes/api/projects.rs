//! `/api/v1/projects` (user sessions, as the policy allows).

use super::responses::{BodyRejected, Denied, Missing};
use super::urls::ProjectUrl;
use super::{schema, Endpoint};
use crate::auth::AdminSession;
use crate::domain::Name;
use crate::error::AppResult;
use crate::service::fields::{field, required};
use crate::service::projects;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "" => list,
    POST "" => create,
    GET "/{projectId}" => get,
    DELETE "/{projectId}" => delete,
];

#[utoipa::path(
    get, path = "/api/v1/projects", operation_id = "listProjects", tag = "projects",
    description = "The projects the caller may see",
    responses(
        (status = 200, description = "Projects"),
        Denied,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(state: web::Data<AppState>, session: AdminSession) -> AppResult<HttpResponse> {
    let found = projects::list(&state.store, &session).await?;
    Ok(HttpResponse::Ok().json(json!({ "projects": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = ProjectCreateBody)]
struct CreateBody {
    #[schema(schema_with = schema::name)]
    name: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects", operation_id = "createProject", tag = "projects",
    description = "Create a project with dev, staging and prod",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The project"),
        Denied, BodyRejected,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let name = field("name", required(body.name.as_deref()).and_then(Name::parse))?;
    let project = projects::create(&state.store, &session, name).await?;
    Ok(HttpResponse::Created().json(json!({ "project": project })))
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}", operation_id = "getProject", tag = "projects",
    description = "One project",
    params(ProjectUrl),
    responses(
        (status = 200, description = "The project"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn get(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
) -> AppResult<HttpResponse> {
    let project = projects::get(&state.store, &session, &url.project_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "project": project })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}", operation_id = "deleteProject", tag = "projects",
    description = "Delete a project and everything in it",
    params(ProjectUrl),
    responses(
        (status = 204, description = "Deleted"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
) -> AppResult<HttpResponse> {
    projects::delete(&state.store, &session, &url.project_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
