//! Extractor configuration: malformed JSON or query → 400, wrong JSON types → 422 naming the
//! field, bodies over 256 KiB → 413.

use crate::error::AppError;
use actix_web::error::{JsonPayloadError, UrlencodedError};
use actix_web::web;

pub const JSON_LIMIT: usize = 256 * 1024;
/// Forms carry a 64 KiB value plus percent-encoding overhead (up to three bytes per byte).
pub const FORM_LIMIT: usize = 256 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| {
            match err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
                JsonPayloadError::ContentType => AppError::BadRequest(String::from(
                    "Send the body as JSON with Content-Type: application/json",
                )),
                JsonPayloadError::Deserialize(e) => json_error(&e),
                other => AppError::BadRequest(format!("Could not read the body: {other}")),
            }
            .into()
        })
}

/// A body that is not the JSON a route takes: wrong types → 422, not JSON at all → 400.
pub fn json_error(e: &serde_json::Error) -> AppError {
    if e.is_data() {
        AppError::validation("body", format!("a field has the wrong type: {e}"))
    } else {
        AppError::BadRequest(format!("The body is not valid JSON: {e}"))
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        AppError::BadRequest(format!("Invalid query string: {err}")).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_err, _req| AppError::NotFound(String::from("No such resource")).into())
}

pub fn form_config() -> web::FormConfig {
    form_config_up_to(FORM_LIMIT)
}

/// The form configuration with another body limit, for the one page form that takes more (the
/// `.env` import; it reads its body only once it has a turn, see `ui::session::Posted::large`).
pub fn form_config_up_to(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|err, _req| {
            match err {
                UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
                other => AppError::BadRequest(format!("Could not read the form: {other}")),
            }
            .into()
        })
}

/// `true`, `1`, `yes` (any case) are true; everything else false.
pub fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}
