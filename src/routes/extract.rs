//! Extractor configuration: malformed JSON or query → 400, wrong JSON types → 422 naming the
//! field, bodies over 256 KiB → 413, and a validation helper that gathers every invalid field.

use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldError};
use actix_web::error::{JsonPayloadError, UrlencodedError};
use actix_web::web;
use serde::{Deserialize, Deserializer};

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
                JsonPayloadError::Deserialize(e) if e.is_data() => {
                    AppError::validation("body", format!("a field has the wrong type: {e}"))
                }
                JsonPayloadError::Deserialize(e) => {
                    AppError::BadRequest(format!("The body is not valid JSON: {e}"))
                }
                other => AppError::BadRequest(format!("Could not read the body: {other}")),
            }
            .into()
        })
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
    web::FormConfig::default()
        .limit(FORM_LIMIT)
        .error_handler(|err, _req| {
            match err {
                UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
                other => AppError::BadRequest(format!("Could not read the form: {other}")),
            }
            .into()
        })
}

/// Deserialises a field so that `null` and "absent" differ: absent → `None`, null → `Some(Null)`.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// Collects every invalid field of a request before answering one 422.
#[derive(Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    pub fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.errors.push(FieldError::new(field, invalid.0));
                None
            }
        }
    }

    pub fn required<'a>(&mut self, field: &str, value: Option<&'a str>) -> Option<&'a str> {
        if value.is_none() {
            self.errors.push(FieldError::new(field, "is required"));
        }
        value
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}

/// `true`, `1`, `yes` (any case) are true; everything else false.
pub fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}
