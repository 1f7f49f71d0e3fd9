//! The path parameters of the native API's URLs. Each type is both what a handler extracts
//! (`web::Path<SecretUrl>`) and what its `#[utoipa::path]` documents (`params(SecretUrl)`), so a
//! parameter's name and description are written once, next to the field that reads it.

use crate::domain::SecretKey;
use crate::error::{AppError, AppResult};
use serde::Deserialize;
use utoipa::IntoParams;

/// `/api/v1/projects/{projectId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct ProjectUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
}

/// `/api/v1/projects/{projectId}/secrets/{key}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct SecretUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
    /// Secret key
    key: String,
}

impl SecretUrl {
    /// The key, parsed: one that cannot exist is a 422 naming the `key` field.
    pub fn key(&self) -> AppResult<SecretKey> {
        SecretKey::parse(&self.key).map_err(|e| AppError::validation("key", e.0))
    }
}

/// `/api/v1/projects/{projectId}/environments/{slug}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
    /// Environment slug
    pub slug: String,
}

/// `/api/v1/projects/{projectId}/service-tokens/{tokenId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct TokenUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
    /// Token id
    pub token_id: String,
}
