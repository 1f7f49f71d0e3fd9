//! The path parameters of the native API's URLs. Each type is both what a handler extracts
//! (`web::Path<SecretUrl>`) and what its `#[utoipa::path]` documents (`params(SecretUrl)`), so a
//! parameter's name and description are written once, next to the field that reads it.

use crate::domain::SecretKey;
use crate::error::{AppError, AppResult};
use crate::routes::location::LocationQuery;
use crate::service::secrets::Location;
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
    /// Where the secret is (the query names the environment and folder) and its key; a bad
    /// place is reported before a bad key. A key that cannot exist is a 422 naming `key`.
    pub fn locate(&self, query: &LocationQuery) -> AppResult<(Location, SecretKey)> {
        let at = query.location(&self.project_id)?;
        let key = SecretKey::parse(&self.key).map_err(|e| AppError::validation("key", e.0))?;
        Ok((at, key))
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

/// `/api/v1/projects/{projectId}/imports/{importId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct ImportUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
    /// Import id
    pub import_id: String,
}

/// `/api/v1/users/{userId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct UserUrl {
    /// User id (32 hex characters)
    pub user_id: String,
}

/// `/api/v1/invites/{inviteId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct InviteUrl {
    /// Invitation id (32 hex characters)
    pub invite_id: String,
}

/// `/api/v1/projects/{projectId}/members/{userId}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct MemberUrl {
    /// Project id (32 hex characters)
    pub project_id: String,
    /// The member's user id
    pub user_id: String,
}
