//! History and recovery: every superseded (value, comment) pair kept sealed, the trash, restoring
//! a version, a trashed secret or a whole folder as it was, and each project's retention.

pub mod point_in_time;
pub mod record;
pub mod restore;
pub mod versions;

use crate::auth::policy::Action;
use crate::auth::Caller;
use crate::error::AppResult;
use crate::store::Store;

/// What a history route does: read versions and the trash, or restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Restore,
}

/// Who may use history in a project's environment: DESIGN §9's "versions, trash, restore" row,
/// decided by `auth::policy` (viewers read only, developers in their environments, service
/// tokens never: history holds values a token's scopes may never have reached).
pub fn check(
    store: &Store,
    access: &Caller,
    project_id: &str,
    environment: &str,
    need: Need,
) -> AppResult<()> {
    let action = match need {
        Need::Read => Action::ReadVersions { environment },
        Need::Restore => Action::RestoreVersions { environment },
    };
    let decided = access.decide(Some(project_id), action);
    if decided.is_err() {
        let _ = store;
    }
    decided
}
