//! `/api/v1/projects/{projectId}/folders` (user session or service token).

use super::responses::{BadQuery, BodyRejected, Conflict, Denied, Missing};
use super::urls::ProjectUrl;
use super::{schema, Endpoint};
use crate::auth::Caller;
use crate::domain::{EnvSlug, FolderName, SecretPath};
use crate::error::AppResult;
use crate::routes::location::LocationQuery;
use crate::service::fields::{all, field, required};
use crate::service::folders;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/folders" => list,
    POST "/{projectId}/folders" => create,
    DELETE "/{projectId}/folders" => delete,
];

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/folders", operation_id = "listFolders", tag = "folders",
    description = "Folders at a path",
    params(ProjectUrl, LocationQuery),
    responses(
        (status = 200, description = "Folders"),
        Denied, BadQuery, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ProjectUrl>,
    query: web::Query<LocationQuery>,
) -> AppResult<HttpResponse> {
    let at = query.location(&url.project_id)?;
    let found = folders::list(&state.store, &caller, &at, query.depth()).await?;
    Ok(HttpResponse::Ok().json(json!({ "folders": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = FolderCreateBody)]
struct CreateBody {
    #[schema(schema_with = schema::env_slug)]
    environment: Option<String>,
    /// The parent folder; defaults to `/`.
    #[schema(schema_with = schema::secret_path)]
    path: Option<String>,
    #[schema(schema_with = schema::folder_name)]
    name: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/folders", operation_id = "createFolder", tag = "folders",
    description = "Create a folder",
    params(ProjectUrl),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The folder"),
        Denied, BodyRejected, Missing, Conflict,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ProjectUrl>,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let (env, parent, name) = all((
        field(
            "environment",
            required(body.environment.as_deref()).and_then(EnvSlug::parse),
        ),
        field("path", SecretPath::parse_or_root(body.path.as_deref())),
        field(
            "name",
            required(body.name.as_deref()).and_then(FolderName::parse),
        ),
    ))?;
    let folder =
        folders::create(&state.store, &caller, &url.project_id, &env, &parent, &name).await?;
    Ok(HttpResponse::Created().json(json!({ "folder": folder })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/folders", operation_id = "deleteFolder", tag = "folders",
    description = "Delete a folder (recursive=true for a non-empty one)",
    params(ProjectUrl, LocationQuery),
    responses(
        (status = 204, description = "Deleted"),
        Denied, BadQuery, Missing, Conflict,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ProjectUrl>,
    query: web::Query<LocationQuery>,
) -> AppResult<HttpResponse> {
    let at = query.location(&url.project_id)?;
    folders::delete(&state.store, &caller, &at, query.depth()).await?;
    Ok(HttpResponse::NoContent().finish())
}
