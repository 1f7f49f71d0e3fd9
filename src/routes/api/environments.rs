//! `/api/v1/projects/{projectId}/environments` (user sessions, as the policy allows).

use super::responses::{BodyRejected, Conflict, Denied, Missing};
use super::urls::{EnvironmentUrl, ProjectUrl};
use super::{schema, Endpoint};
use crate::auth::AdminSession;
use crate::domain::{EnvSlug, Invalid, Name};
use crate::error::AppResult;
use crate::service::environments;
use crate::service::fields::{all, field, required};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/environments" => list,
    POST "/{projectId}/environments" => create,
    PATCH "/{projectId}/environments/{slug}" => update,
    DELETE "/{projectId}/environments/{slug}" => delete,
];

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/environments", operation_id = "listEnvironments", tag = "environments",
    description = "Environments of a project",
    params(ProjectUrl),
    responses(
        (status = 200, description = "Environments"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
) -> AppResult<HttpResponse> {
    let found = environments::list(&state.store, &session, &url.project_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "environments": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = EnvironmentCreateBody)]
struct CreateBody {
    #[schema(schema_with = schema::name)]
    name: Option<String>,
    #[schema(schema_with = schema::env_slug)]
    slug: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/environments", operation_id = "createEnvironment", tag = "environments",
    description = "Add an environment",
    params(ProjectUrl),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The environment"),
        Denied, BodyRejected, Missing, Conflict,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let (name, slug) = all((
        field("name", required(body.name.as_deref()).and_then(Name::parse)),
        field(
            "slug",
            required(body.slug.as_deref()).and_then(EnvSlug::parse),
        ),
    ))?;
    let env = environments::create(&state.store, &session, &url.project_id, name, slug).await?;
    Ok(HttpResponse::Created().json(json!({ "environment": env })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = EnvironmentUpdateBody)]
struct UpdateBody {
    #[schema(schema_with = schema::name)]
    name: Option<String>,
    #[schema(minimum = 0, maximum = 10000)]
    position: Option<i64>,
}

/// An environment's place in the project's order, when given.
fn position(raw: Option<i64>) -> Result<Option<i64>, Invalid> {
    match raw {
        Some(p) if !(0..=10_000).contains(&p) => Err(Invalid::new("must be between 0 and 10000")),
        other => Ok(other),
    }
}

#[utoipa::path(
    patch, path = "/api/v1/projects/{projectId}/environments/{slug}", operation_id = "updateEnvironment", tag = "environments",
    description = "Rename or move an environment (the slug is immutable)",
    params(EnvironmentUrl),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The environment"),
        Denied, BodyRejected, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<EnvironmentUrl>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let (name, position) = all((
        field("name", body.name.as_deref().map(Name::parse).transpose()),
        field("position", position(body.position)),
    ))?;
    let env = environments::update(
        &state.store,
        &session,
        &url.project_id,
        &url.slug,
        name,
        position,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "environment": env })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/environments/{slug}", operation_id = "deleteEnvironment", tag = "environments",
    description = "Delete an environment no live token names",
    params(EnvironmentUrl),
    responses(
        (status = 204, description = "Deleted"),
        Denied, Missing, Conflict,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<EnvironmentUrl>,
) -> AppResult<HttpResponse> {
    environments::delete(&state.store, &session, &url.project_id, &url.slug, false).await?;
    Ok(HttpResponse::NoContent().finish())
}
