//! HTTP routes. Each area has one `configure`; this module lists them all, and tests use the same
//! function as production.

pub mod api;
pub mod assets;
pub mod callers;
pub mod client_ip;
pub mod cookies;
pub mod etag;
pub mod extract;
pub mod headers;
pub mod health;
pub mod infisical;
pub mod json_guard;
pub mod large_body;
pub mod listing_body;
pub mod location;
pub mod openapi;
pub mod replica;
pub mod request_log;
pub mod ui;

use crate::error::AppError;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(extract::json_config())
        .app_data(extract::query_config())
        .app_data(extract::path_config())
        .app_data(extract::form_config())
        .configure(health::configure)
        .configure(assets::configure)
        .configure(api::configure)
        .configure(infisical::configure)
        .configure(openapi::configure)
        .configure(ui::configure)
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.path().starts_with("/api/") {
        return Err(AppError::NotFound(String::from("No such API route")));
    }
    Ok(ui::pages::error_page(
        actix_web::http::StatusCode::NOT_FOUND,
        "Page not found",
        "There is nothing at this address.",
        ui::pages::Offer::Nothing,
    ))
}

/// The JSON 405 that resources without a route for the method answer.
pub async fn method_not_allowed() -> Result<HttpResponse, AppError> {
    Err(AppError::MethodNotAllowed)
}
