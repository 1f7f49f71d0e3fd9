//! Plaintext shape: `/api/v3/secrets/raw[/{name}]` and `/api/v4/secrets[/{name}]`.

use super::etag::Selection;
use super::params::{self, Target};
use super::request::{ReadRequest, WriteRequest};
use super::shapes::{raw_secret, RawSecret};
use super::version::{route, ApiVersion};
use crate::error::{AppError, AppResult};
use crate::routes::listing_body::ListingBody;
use crate::service::secrets;
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
    read: ReadRequest,
) -> AppResult<HttpResponse> {
    let at = read.location(Target::SingleScope)?;
    let found = secrets::list_cached(&state.store, &read.caller, &at, read.params.depth()).await?;
    let show = read.params.view_values();
    let mut selection = Selection::new(&req, read.caller.actor_id());
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
    // A secret that does not decrypt is left out (this shape has no place to say so; the
    // server logged it when it read the folder).
    let which = if show {
        Rendering::InfisicalRaw
    } else {
        Rendering::InfisicalRawHidden
    };
    let body = found.rendered(which, render).map_err(AppError::internal)?;
    let body = ListingBody::new(body, found.into_reservation());
    Ok(selection.respond_json(&req, body))
}

async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    read: ReadRequest,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let at = read.location(Target::SingleScope)?;
    let name = params::secret_name(&name)?;
    let secret = secrets::get(&state.store, &read.caller, &at, &name).await?;
    let selection = Selection::new(&req, read.caller.actor_id()).item(&secret.id, secret.version);
    let show = read.params.view_values();
    Ok(selection.respond(
        &req,
        json!({ "secret": raw_secret(&secret, &at.project_id, show) }),
    ))
}

fn answer(secret: &SecretView, project_id: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "secret": raw_secret(secret, project_id, true) }))
}

/// Values are stored verbatim (Infisical trims them; Envkeep keeps exactly what was sent).
async fn create(state: web::Data<AppState>, write: WriteRequest) -> AppResult<HttpResponse> {
    let value = write
        .params
        .secret_value
        .as_deref()
        .ok_or_else(|| AppError::validation("secretValue", "is required"))?;
    let comment = write.params.secret_comment.as_deref().unwrap_or("");
    let (caller, at) = (&write.caller, &write.at);
    let secret = secrets::create(&state.store, caller, at, &write.name, value, comment).await?;
    Ok(answer(&secret, &at.project_id))
}

async fn update(state: web::Data<AppState>, write: WriteRequest) -> AppResult<HttpResponse> {
    let value = write.params.secret_value.as_deref();
    let comment = write.params.secret_comment.as_deref();
    let (caller, at) = (&write.caller, &write.at);
    let secret = secrets::update(&state.store, caller, at, &write.name, value, comment).await?;
    Ok(answer(&secret, &at.project_id))
}

async fn delete(state: web::Data<AppState>, write: WriteRequest) -> AppResult<HttpResponse> {
    let secret = secrets::delete(&state.store, &write.caller, &write.at, &write.name).await?;
    Ok(answer(&secret, &write.at.project_id))
}
