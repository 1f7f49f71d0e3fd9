//! `/api/v1/projects/{projectId}/imports`: a folder's secret imports (list: read access to the
//! folder; create, move, delete: a project admin).

use super::responses::{BadQuery, BodyRejected, Conflict, Denied, Missing};
use super::urls::{ImportUrl, ProjectUrl};
use super::{schema, Endpoint};
use crate::auth::Caller;
use crate::domain::{EnvSlug, SecretPath};
use crate::error::{AppError, AppResult};
use crate::routes::location::LocationQuery;
use crate::service::fields::{all, field, required};
use crate::service::imports::{self, Source};
use crate::service::secrets::Location;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/imports" => list,
    POST "/{projectId}/imports" => create,
    PATCH "/{projectId}/imports/{importId}" => update,
    DELETE "/{projectId}/imports/{importId}" => delete,
];

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/imports", operation_id = "listImports", tag = "imports",
    description = "A folder's secret imports, in order",
    params(ProjectUrl, LocationQuery),
    responses(
        (status = 200, description = "`{\"imports\": [{id, environment, path, importEnvironment, importPath, position, createdAt}]}`"),
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
    let found = imports::list(&state.store, &caller, &at).await?;
    Ok(HttpResponse::Ok().json(json!({ "imports": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = ImportCreateBody)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    /// The importing folder's environment.
    #[schema(schema_with = schema::env_slug)]
    environment: Option<String>,
    /// The importing folder; defaults to `/`.
    #[schema(schema_with = schema::secret_path)]
    path: Option<String>,
    /// The imported folder's environment.
    #[schema(schema_with = schema::env_slug)]
    import_environment: Option<String>,
    /// The imported folder; defaults to `/`.
    #[schema(schema_with = schema::secret_path)]
    import_path: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/imports", operation_id = "createImport", tag = "imports",
    description = "Import a folder's secrets into another folder (last in its order)",
    params(ProjectUrl),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The import"),
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
    let (environment, path, import_environment, import_path) = all((
        field(
            "environment",
            required(body.environment.as_deref()).and_then(EnvSlug::parse),
        ),
        field("path", SecretPath::parse_or_root(body.path.as_deref())),
        field(
            "importEnvironment",
            required(body.import_environment.as_deref()).and_then(EnvSlug::parse),
        ),
        field(
            "importPath",
            SecretPath::parse_or_root(body.import_path.as_deref()),
        ),
    ))?;
    let at = Location {
        project_id: url.into_inner().project_id,
        environment,
        path,
    };
    let source = Source {
        environment: import_environment,
        path: import_path,
    };
    let import = imports::create(&state.store, &caller, &at, source).await?;
    Ok(HttpResponse::Created().json(json!({ "import": import })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = ImportUpdateBody)]
struct UpdateBody {
    /// The new place among the folder's imports, from 1 (past the end: last).
    position: Option<i64>,
}

#[utoipa::path(
    patch, path = "/api/v1/projects/{projectId}/imports/{importId}", operation_id = "moveImport", tag = "imports",
    description = "Move an import within its folder's order",
    params(ImportUrl),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The import"),
        Denied, BodyRejected, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ImportUrl>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let position = body
        .position
        .ok_or_else(|| AppError::validation("position", "is required"))?;
    let import = imports::move_to(
        &state.store,
        &caller,
        &url.project_id,
        &url.import_id,
        position,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "import": import })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/imports/{importId}", operation_id = "deleteImport", tag = "imports",
    description = "Remove an import",
    params(ImportUrl),
    responses(
        (status = 204, description = "Removed"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ImportUrl>,
) -> AppResult<HttpResponse> {
    imports::delete(&state.store, &caller, &url.project_id, &url.import_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
