//! Plaintext shape: `/api/v3/secrets/raw[/{name}]` and `/api/v4/secrets[/{name}]`.

use super::etag::Selection;
use super::params::{self, Params, MISSING_V3, MISSING_V4};
use super::shapes::{raw_secret, RawSecret};
use crate::auth::Caller;
use crate::error::{AppError, AppResult};
use crate::service::secrets::{self, Listing};
use crate::service::views::SecretView;
use crate::state::AppState;
use crate::store::Rendering;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v3/secrets/raw", web::get().to(list_v3))
        .route("/api/v3/secrets/raw/{name}", web::get().to(get_v3))
        .route("/api/v3/secrets/raw/{name}", web::post().to(create))
        .route("/api/v3/secrets/raw/{name}", web::patch().to(update))
        .route("/api/v3/secrets/raw/{name}", web::delete().to(delete))
        .route("/api/v4/secrets", web::get().to(list_v4))
        .route("/api/v4/secrets/{name}", web::get().to(get_v4));
}

#[derive(serde::Serialize)]
struct RawList<'a> {
    secrets: Vec<RawSecret<'a>>,
    imports: [(); 0],
}

async fn list(
    state: &AppState,
    req: &HttpRequest,
    caller: &Caller,
    query: &Params,
    missing: &str,
) -> AppResult<HttpResponse> {
    let at = query.location(caller, true, missing)?;
    let found = secrets::list_cached(&state.store, caller, &at, query.depth()).await?;
    let show = query.view_values();
    let mut selection = Selection::new(req, caller.actor_id());
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
    Ok(selection.respond_json(req, body.map_err(AppError::internal)?))
}

async fn list_v3(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<Params>,
) -> AppResult<HttpResponse> {
    list(&state, &req, &caller, &query, MISSING_V3).await
}

async fn list_v4(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<Params>,
) -> AppResult<HttpResponse> {
    list(&state, &req, &caller, &query, MISSING_V4).await
}

async fn get(
    state: &AppState,
    req: &HttpRequest,
    caller: &Caller,
    name: &str,
    query: &Params,
    missing: &str,
) -> AppResult<HttpResponse> {
    let at = query.location(caller, true, missing)?;
    let secret = secrets::get(&state.store, caller, &at, &params::secret_name(name)?).await?;
    let selection = Selection::new(req, caller.actor_id()).item(&secret.id, secret.version);
    Ok(selection.respond(
        req,
        json!({ "secret": raw_secret(&secret, &at.project_id, query.view_values()) }),
    ))
}

async fn get_v3(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<Params>,
) -> AppResult<HttpResponse> {
    get(&state, &req, &caller, &name, &query, MISSING_V3).await
}

async fn get_v4(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<Params>,
) -> AppResult<HttpResponse> {
    get(&state, &req, &caller, &name, &query, MISSING_V4).await
}

fn answer(secret: &crate::service::views::SecretView, project_id: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "secret": raw_secret(secret, project_id, true) }))
}

/// Values are stored verbatim (Infisical trims them; Envkeep keeps exactly what was sent).
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<Params>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let params = params::for_write(query.into_inner(), &body)?;
    let at = params.location(&caller, false, MISSING_V3)?;
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
    name: web::Path<String>,
    query: web::Query<Params>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let params = params::for_write(query.into_inner(), &body)?;
    let at = params.location(&caller, false, MISSING_V3)?;
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
    name: web::Path<String>,
    query: web::Query<Params>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let params = params::for_write(query.into_inner(), &body)?;
    let at = params.location(&caller, false, MISSING_V3)?;
    let secret = secrets::delete(&state.store, &caller, &at, &params::secret_name(&name)?).await?;
    Ok(answer(&secret, &at.project_id))
}
