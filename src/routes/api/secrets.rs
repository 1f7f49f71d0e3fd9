//! `/api/v1/projects/{projectId}/secrets` (user session or service token).

use super::responses::{BadQuery, BodyRejected, Conflict, Denied, Invalid, Missing};
use super::urls::{ProjectUrl, SecretUrl};
use super::{schema, Endpoint};
use crate::auth::Caller;
use crate::domain::{EnvSlug, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::routes::etag::Selection;
use crate::routes::listing_body::ListingBody;
use crate::routes::location::LocationQuery;
use crate::service::fields::{all, field, required};
use crate::service::secrets::{
    self, render_views, BodyWriter, Extras, ImportEntry, Location, Polled,
};
use crate::service::views::SecretView;
use crate::state::AppState;
use crate::store::{Rendering, Unreadable};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/secrets" => list,
    POST "/{projectId}/secrets" => create,
    GET "/{projectId}/secrets/{key}" => get,
    PATCH "/{projectId}/secrets/{key}" => update,
    DELETE "/{projectId}/secrets/{key}" => delete,
];

#[derive(Serialize)]
struct SecretBody<'a> {
    secret: &'a SecretView,
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/secrets", operation_id = "listSecrets", tag = "secrets",
    description = "Secrets in a folder (or subtree with recursive=true); secrets whose stored \
        ciphertext does not decrypt are left out and named under `unreadable` (present only when \
        there are some). The answer carries an `ETag`; sent back in `If-None-Match`, it gets a \
        304 while nothing in the listing changed (clients poll this way: `envkeep run --watch`).",
    params(ProjectUrl, LocationQuery, ExtrasQuery),
    responses(
        (status = 200, description = "Secrets with values, and `unreadable` [{key, path, reason}] when some did not decrypt; with includeImports=true also `imports` [{secretPath, environment, folderId, secrets}]"),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 503, description = "No room in the listing memory within 5 s (ServiceUnavailable, with Retry-After)"),
        Denied, BadQuery, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    url: web::Path<ProjectUrl>,
    query: web::Query<LocationQuery>,
    extras: web::Query<ExtrasQuery>,
) -> AppResult<HttpResponse> {
    let at = query.location(&url.project_id)?;
    let selection = Selection::new(&req, caller.actor_id());
    let extras = extras.extras()?;
    if extras.any() {
        let composed =
            secrets::composed::list(&state.store, &caller, &at, query.depth(), extras).await?;
        let mut writer = NativeBody {
            imports: composed.imports,
        };
        let body = render_views(&composed.secrets, &composed.unreadable, &mut writer)?;
        let selection = composed
            .generations
            .iter()
            .fold(selection, |s, g| s.generation(*g));
        return Ok(selection.respond_json(&req, ListingBody::new(body, composed.reservation)));
    }
    let holds = |stamp| selection.clone().generation(stamp).held_by(&req);
    let which = Some(Rendering::Native);
    let depth = query.depth();
    let polled = secrets::list_unless_held(
        &state.store,
        &caller,
        &at,
        depth,
        holds,
        which,
        NativeBody::default(),
    )
    .await?;
    let listed = match polled {
        Polled::Held(stamp) => return Ok(selection.generation(stamp).not_modified()),
        Polled::Changed(listed) => listed,
    };
    let selection = selection.generation(listed.generation);
    Ok(selection.respond_json(&req, ListingBody::new(listed.body, listed.reservation)))
}

/// `{"secrets": [...], "unreadable": [...], "imports": [...]}`: `unreadable` only when some
/// secret did not decrypt, `imports` only when asked for.
#[derive(Default)]
struct NativeBody {
    imports: Vec<ImportEntry>,
}

/// `expand` and `includeImports`, each `true` or `false` (default false).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct ExtrasQuery {
    /// `true` to expand secret references (`${KEY}`, `${env.a.b.KEY}`) through the caller's read access.
    expand: Option<String>,
    /// `true` to add the folder's imports (lists only; a get falls back on them).
    include_imports: Option<String>,
}

impl ExtrasQuery {
    fn extras(&self) -> AppResult<Extras> {
        let flag = |name: &str, raw: &Option<String>| match raw.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(AppError::BadRequest(format!(
                "The '{name}' query parameter must be true or false"
            ))),
        };
        Ok(Extras {
            expand_references: flag("expand", &self.expand)?,
            include_imports: flag("includeImports", &self.include_imports)?,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NativeImport<'a> {
    secret_path: &'a str,
    environment: &'a str,
    folder_id: &'a str,
    secrets: &'a [SecretView],
}

impl BodyWriter for NativeBody {
    fn head(&self) -> &'static str {
        r#"{"secrets":["#
    }

    fn secret(&mut self, secret: &SecretView, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, secret)
    }

    fn tail(&self, unreadable: &[Unreadable], out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.push(b']');
        if !unreadable.is_empty() {
            out.extend_from_slice(br#","unreadable":"#);
            serde_json::to_writer(&mut *out, unreadable)?;
        }
        if !self.imports.is_empty() {
            let imports: Vec<NativeImport> = self
                .imports
                .iter()
                .map(|e| NativeImport {
                    secret_path: &e.path,
                    environment: &e.environment,
                    folder_id: &e.folder_id,
                    secrets: &e.secrets,
                })
                .collect();
            out.extend_from_slice(br#","imports":"#);
            serde_json::to_writer(&mut *out, &imports)?;
        }
        out.push(b'}');
        Ok(())
    }
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/secrets/{key}", operation_id = "getSecret", tag = "secrets",
    description = "One secret",
    params(SecretUrl, LocationQuery, ExtrasQuery),
    responses(
        (status = 200, description = "The secret"),
        Denied, BadQuery, Missing, Invalid,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<SecretUrl>,
    query: web::Query<LocationQuery>,
    extras: web::Query<ExtrasQuery>,
) -> AppResult<HttpResponse> {
    let (at, key) = url.locate(&query)?;
    let extras = extras.extras()?;
    let secret = match extras.any() {
        true => {
            secrets::composed::get(&state.store, &caller, &at, &key, extras)
                .await?
                .0
        }
        false => secrets::get(&state.store, &caller, &at, &key).await?,
    };
    Ok(HttpResponse::Ok().json(SecretBody { secret: &secret }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SecretCreateBody)]
struct CreateBody {
    #[schema(schema_with = schema::env_slug)]
    environment: Option<String>,
    /// The folder; defaults to `/`. Missing folders are created.
    #[schema(schema_with = schema::secret_path)]
    path: Option<String>,
    #[schema(schema_with = schema::secret_key)]
    key: Option<String>,
    #[schema(schema_with = schema::secret_value)]
    value: Option<String>,
    comment: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/secrets", operation_id = "createSecret", tag = "secrets",
    description = "Create a secret",
    params(ProjectUrl),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The secret"),
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
    let (environment, key, value, path) = all((
        field(
            "environment",
            required(body.environment.as_deref()).and_then(EnvSlug::parse),
        ),
        field(
            "key",
            required(body.key.as_deref()).and_then(SecretKey::parse),
        ),
        field("value", required(body.value.as_deref())),
        field("path", SecretPath::parse_or_root(body.path.as_deref())),
    ))?;
    let at = Location {
        project_id: url.into_inner().project_id,
        environment,
        path,
    };
    let secret = secrets::create(
        &state.store,
        &caller,
        &at,
        &key,
        value,
        body.comment.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({ "secret": secret })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SecretUpdateBody)]
struct UpdateBody {
    #[schema(schema_with = schema::secret_value)]
    value: Option<String>,
    comment: Option<String>,
}

#[utoipa::path(
    patch, path = "/api/v1/projects/{projectId}/secrets/{key}", operation_id = "updateSecret", tag = "secrets",
    description = "Change a secret value or comment",
    params(SecretUrl, LocationQuery),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The secret"),
        Denied, BodyRejected, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<SecretUrl>,
    query: web::Query<LocationQuery>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let (at, key) = url.locate(&query)?;
    let secret = secrets::update(
        &state.store,
        &caller,
        &at,
        &key,
        body.value.as_deref(),
        body.comment.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "secret": secret })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/secrets/{key}", operation_id = "deleteSecret", tag = "secrets",
    description = "Delete a secret",
    params(SecretUrl, LocationQuery),
    responses(
        (status = 204, description = "Deleted"),
        Denied, BadQuery, Missing, Invalid,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<SecretUrl>,
    query: web::Query<LocationQuery>,
) -> AppResult<HttpResponse> {
    let (at, key) = url.locate(&query)?;
    secrets::delete(&state.store, &caller, &at, &key).await?;
    Ok(HttpResponse::NoContent().finish())
}
