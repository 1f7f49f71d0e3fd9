//! `/api/v1/projects/{projectId}/folders` (admin session or service token).

use super::resource;
use super::responses::{BadQuery, BodyRejected, Conflict, Denied, Missing};
use crate::auth::Caller;
use crate::domain::EnvSlug;
use crate::error::{AppError, AppResult};
use crate::routes::extract::Fields;
use crate::routes::location::{path_field, LocationQuery};
use crate::service::folders;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/{projectId}/folders")
            .route(web::get().to(list))
            .route(web::post().to(create))
            .route(web::delete().to(delete)),
    );
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/folders", operation_id = "listFolders", tag = "folders",
    description = "Folders at a path",
    params(("projectId" = String, Path, description = "Project id (32 hex characters)"), LocationQuery),
    responses(
        (status = 200, description = "Folders"),
        Denied, BadQuery, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    project: web::Path<String>,
    query: web::Query<LocationQuery>,
) -> AppResult<HttpResponse> {
    let at = query.location(&project)?;
    let found = folders::list(
        &state.store,
        &caller,
        &project,
        &at.environment,
        &at.path,
        query.is_recursive(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "folders": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = FolderCreateBody)]
struct CreateBody {
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,63}$", example = "dev")]
    environment: Option<String>,
    #[schema(pattern = "^/$|^(/[A-Za-z0-9_-]{1,20}){1,4}$", example = "/app")]
    path: Option<String>,
    #[schema(pattern = "^[A-Za-z0-9_-]{1,100}$")]
    name: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/folders", operation_id = "createFolder", tag = "folders",
    description = "Create a folder",
    params(("projectId" = String, Path, description = "Project id (32 hex characters)")),
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
    project: web::Path<String>,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let mut fields = Fields::default();
    let env = fields
        .required("environment", body.environment.as_deref())
        .and_then(|e| fields.check("environment", EnvSlug::parse(e)));
    let name = fields.required("name", body.name.as_deref());
    if let Some(name) = name {
        if name.is_empty()
            || name.len() > 100
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            fields.push(
                "name",
                "a folder name is 1-100 of letters, digits, '_' and '-'",
            );
        }
    }
    fields.finish()?;
    let parent = path_field("path", body.path.as_deref())?;
    let (Some(env), Some(name)) = (env, name) else {
        return Err(AppError::internal("validated fields missing"));
    };
    let folder = folders::create(&state.store, &caller, &project, &env, &parent, name).await?;
    Ok(HttpResponse::Created().json(json!({ "folder": folder })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/folders", operation_id = "deleteFolder", tag = "folders",
    description = "Delete a folder (recursive=true for a non-empty one)",
    params(("projectId" = String, Path, description = "Project id (32 hex characters)"), LocationQuery),
    responses(
        (status = 204, description = "Deleted"),
        Denied, BadQuery, Missing, Conflict,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    project: web::Path<String>,
    query: web::Query<LocationQuery>,
) -> AppResult<HttpResponse> {
    let at = query.location(&project)?;
    folders::delete(
        &state.store,
        &caller,
        &project,
        &at.environment,
        &at.path,
        query.is_recursive(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
