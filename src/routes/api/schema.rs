//! Field schemas for the OpenAPI document, built from the constants the domain parsers use
//! (`#[schema(schema_with = schema::env_slug)]`), so the document says what the server accepts.

use crate::domain::expiry::{MAX_SECONDS, MIN_SECONDS};
use crate::domain::names::{MAX_NAME_CHARS, MAX_SECRET_KEY_CHARS};
use crate::domain::path::MAX_PATH_BYTES;
use crate::domain::{EnvSlug, FolderName, SecretKey, SecretPath};
use crate::service::sealed_fields::MAX_VALUE_BYTES;
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::{Object, ObjectBuilder, Type};

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A string a domain parser accepts: its `PATTERN`, and an example of it.
fn matching(pattern: &str, example: &str) -> ObjectBuilder {
    text().pattern(Some(pattern)).examples([example])
}

pub fn env_slug() -> Object {
    matching(EnvSlug::PATTERN, "dev").build()
}

/// A folder path in its canonical form (`/` or `/a/b`, no trailing `/`).
pub fn secret_path() -> Object {
    matching(SecretPath::PATTERN, "/app")
        .max_length(Some(MAX_PATH_BYTES))
        .build()
}

pub fn folder_name() -> Object {
    matching(FolderName::PATTERN, "app").build()
}

pub fn secret_key() -> Object {
    matching(SecretKey::PATTERN, "DB_PASSWORD")
        .max_length(Some(MAX_SECRET_KEY_CHARS))
        .build()
}

/// A display name: 1-100 characters (after trimming).
pub fn name() -> Object {
    text()
        .min_length(Some(1))
        .max_length(Some(MAX_NAME_CHARS))
        .build()
}

/// Seconds until a token expires, or `null` for never.
pub fn expires_in() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .minimum(Some(MIN_SECONDS as f64))
        .maximum(Some(MAX_SECONDS as f64))
        .build()
}

/// A secret value: at most 65,536 bytes of UTF-8 (`maxLength` counts characters, so the
/// document's bound is the looser one).
pub fn secret_value() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(MAX_VALUE_BYTES))
        .build()
}
