//! Secrets: list (one folder or a subtree), get, create, update, delete. Values and comments are
//! sealed under the project's data key with associated data naming the row; a ciphertext that
//! fails to open is an integrity error, never garbage. Reads (`read`) come from the Store's
//! caches where they can; writes (`write`) each name the folder they touched.

pub mod batch;
mod batch_request;
pub mod composed;
mod expand;
mod imported;
mod large;
mod listing;
mod read;
mod reads;
mod revealed;
mod write;

pub use composed::{Composed, Extras};
pub use imported::ImportEntry;
pub use listing::{render_views, BodyWriter, Listing, Polled, Rendered};
pub use read::{get, list_cached, list_rendered, list_unless_held};
pub use write::{create, delete, require_stored, update};

use super::{audit_refusal, check_access};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::db::folders;
use crate::db::projects::Environment;
use crate::domain::{EnvSlug, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::{ProjectKeys, Store, Touched};
use rusqlite::Connection;
use std::sync::Arc;

/// Where a secret lives: project, environment slug, folder.
#[derive(Debug, Clone)]
pub struct Location {
    pub project_id: String,
    pub environment: EnvSlug,
    pub path: SecretPath,
}

impl Location {
    /// What a write of a secret here changes: this folder's listing.
    pub fn touched(&self) -> Touched {
        Touched::folder(
            &self.project_id,
            self.environment.as_str(),
            self.path.as_str(),
        )
    }
}

/// The project's keys for a write whose body is sealed with the wire key, after checking the
/// caller may write at `at` and may also read: a body is opened only for a caller allowed to
/// write it, so a token of another project gets its 403 (audited) and never has this project's
/// keys unsealed; and the wire key opens every value of the project, so a write-only token (which
/// is never handed that key) is refused and pointed at the plaintext route.
pub async fn keys_for_sealed_write(
    store: &Store,
    access: &Caller,
    at: &Location,
) -> AppResult<Arc<ProjectKeys>> {
    check_access(store, access, Op::Write, at)?;
    let readable = if access.has_permission(Op::Read) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied(String::from(
            "A service token without the 'read' permission cannot write end-to-end-encrypted secrets; write through /api/v3/secrets/raw instead",
        )))
    };
    audit_refusal(store, access, &readable);
    readable?;
    store.project_keys(&at.project_id).await
}

/// A folder with no secrets may still not exist (the root always does): 404 then.
pub(super) fn require_folder(
    conn: &Connection,
    at: &Location,
    env: &Environment,
    no_rows: bool,
) -> AppResult<()> {
    if no_rows && !at.path.is_root() && !folders::exists(conn, &env.id, at.path.as_str())? {
        return Err(AppError::NotFound(format!(
            "Folder '{}' was not found in environment '{}'",
            at.path,
            at.environment.as_str()
        )));
    }
    Ok(())
}

pub(crate) fn missing_secret(key: &SecretKey, at: &Location) -> AppError {
    AppError::NotFound(format!(
        "Secret '{}' was not found in environment '{}' at path '{}'",
        key.as_str(),
        at.environment.as_str(),
        at.path
    ))
}
