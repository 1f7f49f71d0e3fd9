//! The JSON shapes the native API returns (camelCase, RFC 3339 times).

use crate::auth::access::Op;
use crate::auth::Caller;
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

/// A secret as a write answers it: whole to a caller that may read, else only where it is and
/// which version (a write-only token must not learn the value it replaced, or the comment it
/// kept). Serialised untagged: the native API shows the fields each variant has.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum WrittenSecret {
    Readable(SecretView),
    Withheld(SecretMetadata),
}

/// A secret without its value and comment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretMetadata {
    pub id: String,
    pub key: String,
    pub version: i64,
    pub environment: String,
    pub path: String,
    pub created_at: String,
    pub updated_at: String,
}

impl WrittenSecret {
    /// The answer `access` may see for the secret it just wrote.
    pub fn for_caller(access: &Caller, secret: SecretView) -> Self {
        if access.has_permission(Op::Read) {
            return Self::Readable(secret);
        }
        Self::Withheld(SecretMetadata {
            id: secret.id,
            key: secret.key,
            version: secret.version,
            environment: secret.environment,
            path: secret.path,
            created_at: secret.created_at,
            updated_at: secret.updated_at,
        })
    }
}

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
    /// The creator's e-mail as it was at creation.
    pub created_by: String,
    pub created_by_id: Option<String>,
    /// `active`, `disabled` or `removed`: where the creator stands now.
    pub creator_status: &'static str,
    pub last_used_at: Option<String>,
    pub last_used_ip: Option<String>,
}
