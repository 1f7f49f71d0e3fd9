//! The JSON shapes the native API returns (camelCase, RFC 3339 times).

use crate::domain::names::truncate_for_message;
use crate::error::{AppError, AppResult};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentView {
    pub name: String,
    pub slug: String,
    pub position: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub created_at: String,
    pub environments: Vec<EnvironmentView>,
}

impl ProjectView {
    /// The environment `slug` of this project, or a 404 naming it.
    pub fn environment(&self, slug: &str) -> AppResult<&EnvironmentView> {
        self.environments
            .iter()
            .find(|e| e.slug == slug)
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "Environment '{}' was not found in this project",
                    truncate_for_message(slug)
                ))
            })
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderView {
    pub id: String,
    pub name: String,
    pub path: String,
    pub environment: String,
    pub created_at: String,
}

/// A decrypted secret; defined with the folder cache that keeps them.
pub use crate::store::{SecretList, SecretView};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeView {
    pub environment: String,
    pub secret_path: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTokenView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub scopes: Vec<ScopeView>,
    pub permissions: Vec<&'static str>,
    pub expires_at: Option<String>,
    pub expired: bool,
    pub allowed_ips: Vec<String>,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub last_used_ip: Option<String>,
}
