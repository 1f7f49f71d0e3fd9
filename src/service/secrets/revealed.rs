//! A person's reads of values are recorded in the audit log: one secret as `secret.revealed`,
//! a folder's (or subtree's) values as `folder.exported` (a listing, a page that shows them, a
//! `.env` download), whether the answer is the values as stored or with references expanded and
//! imports included (then `alsoRead` names the other folders whose values it holds). [`record`]
//! is the one path: every read answered to a caller ends in it (`read`'s public functions, the
//! `composed` reads). Recorded after the values were read and before they are answered, so a
//! read whose record cannot be written fails instead. Service tokens' and identities' reads are
//! counted (`store::usage`), not recorded: they are machine traffic, many a second.

use super::reads::FolderId;
use super::Location;
use crate::auth::Caller;
use crate::db::DbError;
use crate::domain::{Depth, SecretKey};
use crate::error::AppResult;
use crate::service::Actor;
use crate::store::{Store, Touched};
use crate::time::now_millis;
use serde_json::{json, Value};

/// What a read showed at its location.
pub enum Revealed<'a> {
    /// One secret's value: `secret.revealed`.
    Secret(&'a SecretKey),
    /// The values of the folder, or of its subtree: `folder.exported`.
    Folder(Depth),
}

/// Records a person's read of values at `at`; `also` are the other folders whose values the
/// answer holds (reference targets, import sources). Nothing for a machine caller.
pub async fn record(
    store: &Store,
    access: &Caller,
    at: &Location,
    what: Revealed<'_>,
    also: &[FolderId],
) -> AppResult<()> {
    if !matches!(access, Caller::Admin(_)) {
        return Ok(());
    }
    let mut detail = json!({ "environment": at.environment.as_str(), "path": at.path.as_str() });
    let action = match what {
        Revealed::Secret(key) => {
            detail["key"] = key.as_str().into();
            "secret.revealed"
        }
        Revealed::Folder(depth) => {
            detail["recursive"] = (depth == Depth::Recursive).into();
            "folder.exported"
        }
    };
    if !also.is_empty() {
        let folders: Vec<Value> = also
            .iter()
            .map(|(environment, path)| json!({ "environment": environment, "path": path }))
            .collect();
        detail["alsoRead"] = folders.into();
    }
    let (actor, project) = (Actor::of(access), at.project_id.clone());
    store
        .write(move |tx| {
            actor.record(tx, now_millis(), action, Some(&project), detail)?;
            Ok::<_, DbError>(((), Touched::nothing()))
        })
        .await?;
    Ok(())
}
