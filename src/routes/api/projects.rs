//! `/api/v1/projects` (user sessions, as the policy allows).

use super::responses::{BodyRejected, Denied, Missing};
use super::urls::ProjectUrl;
use super::{schema, Endpoint};
use crate::auth::AdminSession;
use crate::domain::{Invalid, Name, ProjectSlug};
use crate::error::AppResult;
use crate::service::fields::{all, field, required};
use crate::service::projects;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "" => list,
    POST "" => create,
    GET "/{projectId}" => get,
    PATCH "/{projectId}" => update,
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
    /// The project's slug (fixed after creation); derived from the name when absent
    #[schema(schema_with = schema::env_slug)]
    slug: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects", operation_id = "createProject", tag = "projects",
    description = "Create a project with dev, staging and prod; a slug that is taken is a 409",
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
    let (name, slug) = all((
        field("name", required(body.name.as_deref()).and_then(Name::parse)),
        field(
            "slug",
            body.slug.as_deref().map(ProjectSlug::parse).transpose(),
        ),
    ))?;
    let project = projects::create(&state.store, &session, name, slug).await?;
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ProjectUpdateBody)]
struct UpdateBody {
    #[schema(schema_with = schema::name)]
    name: Option<String>,
    /// Days superseded versions and trashed secrets are kept, 1 to 3650
    history_days: Option<i64>,
}

#[utoipa::path(
    patch, path = "/api/v1/projects/{projectId}", operation_id = "updateProject", tag = "projects",
    description = "Rename a project or change how long it keeps history (the slug stays)",
    params(ProjectUrl),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The project"),
        Denied, BodyRejected, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let name = body.name.as_deref().map(Name::parse).transpose();
    let days = body.history_days.map(|d| {
        if (1..=projects::MAX_HISTORY_DAYS).contains(&d) {
            Ok(d)
        } else {
            Err(Invalid::new(format!(
                "must be from 1 to {}",
                projects::MAX_HISTORY_DAYS
            )))
        }
    });
    let (name, days) = all((field("name", name), field("historyDays", days.transpose())))?;
    let project = projects::update(&state.store, &session, &url.project_id, name, days).await?;
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
