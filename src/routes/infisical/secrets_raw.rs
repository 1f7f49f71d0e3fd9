//! Plaintext shape: `/api/v3/secrets/raw[/{name}]` and `/api/v4/secrets[/{name}]`.

use super::etag::Selection;
use super::params::{self, Params, Target};
use super::shapes::{raw_secret, RawSecret};
use super::version::{route, ApiVersion};
use crate::auth::Caller;
use crate::error::{AppError, AppResult};
use crate::service::secrets::{self, Listing};
use crate::service::views::SecretView;
use crate::state::AppState;
use crate::store::Rendering;
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use ApiVersion::{V3, V4};
    const ONE_SECRET: &str = "/api/v3/secrets/raw/{name}";
    cfg.service(route("/api/v3/secrets/raw", Method::GET, V3, list))
        .service(route(ONE_SECRET, Method::GET, V3, get))
        .service(route(ONE_SECRET, Method::POST, V3, create))
        .service(route(ONE_SECRET, Method::PATCH, V3, update))
        .service(route(ONE_SECRET, Method::DELETE, V3, delete))
        .service(route("/api/v4/secrets", Method::GET, V4, list))
        .service(route("/api/v4/secrets/{name}", Method::GET, V4, get));
}

#[derive(serde::Serialize)]
struct RawList<'a> {
    secrets: Vec<RawSecret<'a>>,
    imports: [(); 0],
}

async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    version: ApiVersion,
    query: web::Query<Params>,
) -> AppResult<HttpResponse> {
    let at = query.location(&caller, Target::SingleScope, version)?;
    let found = secrets::list_cached(&state.store, &caller, &at, query.depth()).await?;
    let show = query.view_values();
    let mut selection = Selection::new(&req, caller.actor_id());
    for secret in found.secrets() {
        selection.add(&secret.id, secret.version);
    }
    let render = |secrets: &[SecretView]| {
        let secrets = secrets
            .iter()
            .map(|s| raw_secret(s, &at.project_id, show))
            .collect();
        // Envkeep has no secret imports; the key is always present because clients require it.
        serde_json::to_string(&RawList {
            secrets,
            imports: [],
        })
    };
    // A cached folder keeps its rendering: the same bytes are not escaped on every request.
    let body = match &found {
        Listing::Folder(folder) => {
            let which = if show {
                Rendering::InfisicalRaw
            } else {
                Rendering::InfisicalRawHidden
            };
            folder.rendered(which, render).map(str::to_owned)
        }
        Listing::Subtree(secrets) => render(secrets),
    };
    Ok(selection.respond_json(&req, body.map_err(AppError::internal)?))
}

async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    version: ApiVersion,
    name: web::Path<String>,
    query: web::Query<Params>,
) -> AppResult<HttpResponse> {
    let at = query.location(&caller, Target::SingleScope, version)?;
    let secret = secrets::get(&state.store, &caller, &at, &params::secret_name(&name)?).await?;
    let selection = Selection::new(&req, caller.actor_id()).item(&secret.id, secret.version);
    Ok(selection.respond(
        &req,
        json!({ "secret": raw_secret(&secret, &at.project_id, query.view_values()) }),
    ))
}

fn answer(secret: &crate::service::views::SecretView, project_id: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "secret": raw_secret(secret, project_id, true) }))
}

/// Values are stored verbatim (Infisical trims them; Envkeep keeps exactly what was sent).
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    version: ApiVersion,
    name: web::Path<String>,
    query: web::Query<Params>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let params = params::for_write(query.into_inner(), &body)?;
    let at = params.location(&caller, Target::AsSent, version)?;
    let value = params
        .secret_value
        .as_deref()
        .ok_or_else(|| AppError::validation("secretValue", "is required"))?;
    let comment = params.secret_comment.as_deref().unwrap_or("");
    let secret = secrets::create(
        &state.store,
        &caller,
        &at,
        &params::secret_name(&name)?,
        value,
        comment,
    )
    .await?;
    Ok(answer(&secret, &at.project_id))
}

async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    version: ApiVersion,
    name: web::Path<String>,
    query: web::Query<Params>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let params = params::for_write(query.into_inner(), &body)?;
    let at = params.location(&caller, Target::AsSent, version)?;
    let key = params::secret_name(&name)?;
    let secret = secrets::update(
        &state.store,
        &caller,
        &at,
        &key,
        params.secret_value.as_deref(),
        params.secret_comment.as_deref(),
    )
    .await?;
    Ok(answer(&secret, &at.project_id))
}

async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    version: ApiVersion,
    name: web::Path<String>,
    query: web::Query<Params>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let params = params::for_write(query.into_inner(), &body)?;
    let at = params.location(&caller, Target::AsSent, version)?;
    let secret = secrets::delete(&state.store, &caller, &at, &params::secret_name(&name)?).await?;
    Ok(answer(&secret, &at.project_id))
}
