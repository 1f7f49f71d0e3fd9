//! History and recovery: a secret's versions and their restore, the trash, and point-in-time
//! restore of a folder (people only: service tokens get 403).

use super::responses::{BadQuery, BodyRejected, Conflict, Denied, Invalid, Missing};
use super::urls::{EnvironmentUrl, ProjectUrl, SecretUrl};
use super::Endpoint;
use crate::auth::Caller;
use crate::domain::{EnvSlug, SecretPath};
use crate::error::{AppError, AppResult};
use crate::routes::location::{environment_from_query, path_field, LocationQuery};
use crate::service::fields::{field, required};
use crate::service::history::point_in_time::{self, Run};
use crate::service::history::{restore, versions};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/secrets/{key}/versions" => list_versions,
    POST "/{projectId}/secrets/{key}/restore" => restore_version,
    GET "/{projectId}/trash" => list_trash,
    GET "/{projectId}/trash/{secretId}/versions" => trashed_versions,
    POST "/{projectId}/trash/{secretId}/restore" => restore_trashed,
    POST "/{projectId}/environments/{slug}/restore" => restore_folder,
];

/// A page of a list: `cursor` from the last page's `nextCursor`, `limit` 1 to 500 (default 50).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `nextCursor` of the previous page
    cursor: Option<String>,
    /// Entries per page, 1 to 500 (default 50)
    limit: Option<usize>,
}

/// `/api/v1/projects/{projectId}/trash/{secretId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct TrashUrl {
    /// Project id (32 hex characters)
    project_id: String,
    /// The trashed secret's id
    secret_id: String,
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/secrets/{key}/versions", operation_id = "listSecretVersions", tag = "history",
    description = "A secret's versions, newest first, the current one included; after a delete, \
        the trashed secret's versions and its `delete` entry",
    params(SecretUrl, LocationQuery, PageQuery),
    responses((status = 200, description = "`{versions, nextCursor}`"), Denied, BadQuery, Missing, Invalid),
    security(("cookie" = []), ("bearer" = []))
)]
async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<SecretUrl>,
    query: web::Query<LocationQuery>,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (at, key) = url.locate(&query)?;
    let limit = versions::page_size(page.limit)?;
    let found = versions::of_key(
        &state.store,
        &caller,
        &at,
        &key,
        page.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SecretRestoreBody)]
struct RestoreBody {
    environment: Option<String>,
    path: Option<String>,
    version: Option<i64>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/secrets/{key}/restore", operation_id = "restoreSecretVersion", tag = "history",
    description = "Make an earlier version the newest (latest + 1) with its value and comment",
    params(SecretUrl),
    request_body = RestoreBody,
    responses((status = 200, description = "`{secret}`"), Denied, BodyRejected, Missing, Conflict),
    security(("cookie" = []), ("bearer" = []))
)]
async fn restore_version(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<SecretUrl>,
    body: web::Json<RestoreBody>,
) -> AppResult<HttpResponse> {
    let query = LocationQuery {
        environment: body.environment.clone(),
        path: body.path.clone(),
        recursive: None,
    };
    if body.environment.is_none() {
        return Err(AppError::validation("environment", "is required"));
    }
    let (at, key) = url.locate(&query)?;
    let version = field(
        "version",
        required(body.version).and_then(|v| {
            if v >= 1 {
                Ok(v)
            } else {
                Err(crate::domain::Invalid(String::from("must be 1 or more")))
            }
        }),
    )?;
    let secret = restore::version(&state.store, &caller, &at, &key, version).await?;
    Ok(HttpResponse::Ok().json(json!({ "secret": secret })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrashQuery {
    /// Environment slug (required)
    environment: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/trash", operation_id = "listTrash", tag = "history",
    description = "An environment's deleted secrets, most recently deleted first",
    params(ProjectUrl, TrashQuery, PageQuery),
    responses((status = 200, description = "`{secrets, nextCursor}`"), Denied, BadQuery, Missing, Invalid),
    security(("cookie" = []), ("bearer" = []))
)]
async fn list_trash(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ProjectUrl>,
    query: web::Query<TrashQuery>,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let env = environment_from_query(query.environment.as_deref())?;
    let limit = versions::page_size(page.limit)?;
    let found = versions::trash(
        &state.store,
        &caller,
        &url.project_id,
        env.as_str(),
        page.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/trash/{secretId}/versions", operation_id = "listTrashedVersions", tag = "history",
    description = "A trashed secret's versions, newest (its `delete` entry) first",
    params(TrashUrl, PageQuery),
    responses((status = 200, description = "`{versions, nextCursor}`"), Denied, BadQuery, Missing, Invalid),
    security(("cookie" = []), ("bearer" = []))
)]
async fn trashed_versions(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<TrashUrl>,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let limit = versions::page_size(page.limit)?;
    let found = versions::of_trashed(
        &state.store,
        &caller,
        &url.project_id,
        &url.secret_id,
        page.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/trash/{secretId}/restore", operation_id = "restoreTrashed", tag = "history",
    description = "Put a trashed secret back where it was, recreating missing folders; 409 if a live secret took its name",
    params(TrashUrl),
    responses((status = 201, description = "`{secret}`"), Denied, Missing, Conflict),
    security(("cookie" = []), ("bearer" = []))
)]
async fn restore_trashed(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<TrashUrl>,
) -> AppResult<HttpResponse> {
    let secret = restore::trashed(&state.store, &caller, &url.project_id, &url.secret_id).await?;
    Ok(HttpResponse::Created().json(json!({ "secret": secret })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FolderRestoreBody)]
struct FolderRestoreBody {
    /// RFC 3339 time within the project's retention window
    at: Option<String>,
    path: Option<String>,
    dry_run: Option<bool>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/environments/{slug}/restore", operation_id = "restoreFolder", tag = "history",
    description = "Put every secret under `path` back as it was at `at`, in one transaction: \
        changed since → the old pair as a new version; deleted since → back; created since → to the trash. \
        `dryRun: true` answers the same without changing anything",
    params(EnvironmentUrl),
    request_body = FolderRestoreBody,
    responses((status = 200, description = "`{changed, restored, removed, dryRun}`, each `{count, keys}`"), Denied, BodyRejected, Missing, Conflict),
    security(("cookie" = []), ("bearer" = []))
)]
async fn restore_folder(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<EnvironmentUrl>,
    body: web::Json<FolderRestoreBody>,
) -> AppResult<HttpResponse> {
    let slug = EnvSlug::parse(&url.slug).map_err(|_| {
        AppError::NotFound(format!(
            "Environment '{}' was not found",
            crate::domain::names::truncate_for_message(&url.slug)
        ))
    })?;
    let at = field("at", required(body.at.as_deref()).and_then(parse_time))?;
    let path: SecretPath = path_field("path", body.path.as_deref())?;
    let run = if body.dry_run == Some(true) {
        Run::DryRun
    } else {
        Run::Apply
    };
    let done = point_in_time::folder(
        &state.store,
        &caller,
        &url.project_id,
        &slug,
        &path,
        at,
        run,
    )
    .await?;
    Ok(HttpResponse::Ok().json(done))
}

fn parse_time(raw: &str) -> Result<i64, crate::domain::Invalid> {
    chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            crate::domain::Invalid(String::from(
                "must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z",
            ))
        })
}
