//! Plaintext shape: `/api/v3/secrets/raw[/{name}]` and `/api/v4/secrets[/{name}]`.

use super::params::{self, Target};
use super::request::{ReadRequest, WriteRequest};
use super::shapes::{raw_secret, raw_written, write_imports};
use super::version::{route, ApiVersion};
use crate::error::{AppError, AppResult};
use crate::routes::etag::Selection;
use crate::routes::listing_body::ListingBody;
use crate::service::secrets::{self, render_views, BodyWriter, ImportEntry};
use crate::service::views::{SecretView, WrittenSecret};
use crate::state::AppState;
use crate::store::{Rendering, Unreadable};
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

/// `{"secrets": [...], "imports": []}` in the plaintext shape, noting each secret for the ETag.
/// A secret that does not decrypt is left out (this shape has no place to say so; the server
/// logged it when it read the folder).
struct RawBody {
    project_id: String,
    show: bool,
    selection: Selection,
    imports: Vec<ImportEntry>,
}

impl BodyWriter for RawBody {
    fn note(&mut self, secret: &SecretView) {
        self.selection.add(&secret.id, secret.version);
    }

    fn head(&self) -> &'static str {
        r#"{"secrets":["#
    }

    fn secret(&mut self, secret: &SecretView, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, &raw_secret(secret, &self.project_id, self.show))
    }

    // `imports` is always an array: clients require the key, and `null` breaks infisicalsdk.
    fn tail(&self, _: &[Unreadable], out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(br#"],"imports":"#);
        let (project, show) = (self.project_id.as_str(), self.show);
        write_imports(&self.imports, out, |s, out| {
            serde_json::to_writer(out, &raw_secret(s, project, show))
        })?;
        out.push(b'}');
        Ok(())
    }
}

async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    read: ReadRequest,
) -> AppResult<HttpResponse> {
    let at = read.location(Target::SingleScope)?;
    let show = read.params.view_values();
    // A kept folder keeps its rendering: the same bytes are not escaped on every request.
    let which = if show {
        Rendering::InfisicalRaw
    } else {
        Rendering::InfisicalRawHidden
    };
    let mut writer = RawBody {
        project_id: at.project_id.clone(),
        show,
        selection: Selection::new(&req, read.caller.actor_id()),
        imports: Vec::new(),
    };
    let (caller, depth) = (&read.caller, read.params.depth());
    let extras = read.params.extras()?;
    if extras.any() {
        let composed = secrets::composed::list(&state.store, caller, &at, depth, extras).await?;
        writer.imports = composed.imports;
        let body = render_views(&composed.secrets, &composed.unreadable, &mut writer)?;
        let selection = composed
            .generations
            .iter()
            .fold(writer.selection, |s, g| s.generation(*g));
        let body = ListingBody::new(body, composed.reservation);
        return Ok(selection.respond_json(&req, body));
    }
    let listed =
        secrets::list_rendered(&state.store, caller, &at, depth, Some(which), writer).await?;
    let body = ListingBody::new(listed.body, listed.reservation);
    Ok(listed.writer.selection.respond_json(&req, body))
}

async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    read: ReadRequest,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let at = read.location(Target::SingleScope)?;
    let name = params::secret_name(&name)?;
    let extras = read.params.extras()?;
    let selection = Selection::new(&req, read.caller.actor_id());
    let (secret, selection) = if extras.any() {
        let (secret, generations) =
            secrets::composed::get(&state.store, &read.caller, &at, &name, extras).await?;
        let selection = generations.iter().fold(selection, |s, g| s.generation(*g));
        (secret, selection)
    } else {
        (
            secrets::get(&state.store, &read.caller, &at, &name).await?,
            selection,
        )
    };
    let selection = selection.item(&secret.id, secret.version);
    let show = read.params.view_values();
    Ok(selection.respond(
        &req,
        json!({ "secret": raw_secret(&secret, &at.project_id, show) }),
    ))
}

fn answer(secret: &WrittenSecret, project_id: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "secret": raw_written(secret, project_id) }))
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
