//! `GET /api/v1/folders?workspaceId=&environment=&path=`: direct children, inside the caller's
//! scopes (Envkeep, unlike Infisical, does not let a token list folders outside them).

use super::params::Target;
use super::request::ReadRequest;
use super::shapes::folder;
use super::version::{route, ApiVersion};
use crate::domain::Depth;
use crate::error::AppResult;
use crate::routes::etag::Selection;
use crate::service::folders;
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(route("/api/v1/folders", Method::GET, ApiVersion::V1, list));
}

async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    read: ReadRequest,
) -> AppResult<HttpResponse> {
    let at = read.location(Target::AsSent)?;
    let found = folders::list(&state.store, &read.caller, &at, Depth::OneLevel).await?;
    let mut selection = Selection::new(&req, read.caller.actor_id());
    let body: Vec<_> = found
        .iter()
        .map(|f| {
            selection.add(&f.id, 1);
            folder(f)
        })
        .collect();
    Ok(selection.respond(&req, json!({ "folders": body })))
}
