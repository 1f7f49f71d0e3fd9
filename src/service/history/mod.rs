//! History and recovery: every superseded (value, comment) pair kept sealed, the trash, restoring
//! a version, a trashed secret or a whole folder as it was, and each project's retention.

pub mod point_in_time;
pub mod record;
pub mod restore;
pub mod versions;

use crate::auth::Caller;
use crate::error::{AppError, AppResult};
use crate::store::Store;

/// What a history route does: read versions and the trash, or restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Restore,
}

/// Who may use history in a project's environment (DESIGN §9, "versions, trash, restore"):
/// people may; service tokens never, whatever their scopes (history holds values a token's
/// scopes may not reach, and a restore is an administrative act).
// TEAMS SEAM: once `auth::policy` lands, people's access goes through it here (viewers read
// only, developers in their environments); this is the one place history routes ask.
pub fn check(
    store: &Store,
    access: &Caller,
    project_id: &str,
    _environment: &str,
    _need: Need,
) -> AppResult<()> {
    let _ = (store, project_id);
    match access {
        Caller::Admin(_) => Ok(()),
        Caller::Token { .. } => Err(AppError::Forbidden(String::from(
            "Service tokens cannot read or restore history: versions, the trash and restores are for people",
        ))),
    }
}
