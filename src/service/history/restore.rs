//! Restoring one secret: an earlier version as its newest, or a trashed secret back where it was.

use super::record::{self, author, live_pair, open_version};
use super::versions::find_trashed;
use super::{check, Need};
use crate::auth::Caller;
use crate::crypto::{envelope, random};
use crate::db::folders;
use crate::db::history::{self, Author, LiveChange, TrashRow};
use crate::db::secrets::{self, Made, SecretRow};
use crate::domain::{EnvSlug, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::service::limits::{ensure_room, Growth};
use crate::service::sealed_fields::{seal_row, sealed_len, view};
use crate::service::secrets::{missing_secret, Location};
use crate::service::views::SecretView;
use crate::service::{environment, Actor};
use crate::store::{ProjectKeys, Store};
use crate::time::{now_millis, Millis};
use rusqlite::Connection;

/// Makes `version` of the live secret `key` its newest version (latest + 1), with that version's
/// value and comment.
pub async fn version(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
    version: i64,
) -> AppResult<SecretView> {
    check(
        store,
        access,
        &at.project_id,
        at.environment.as_str(),
        Need::Restore,
    )?;
    let keys = store.project_keys(&at.project_id).await?;
    let (at, key, caller, limits) = (at.clone(), key.clone(), access.clone(), store.limits());
    store
        .write(move |tx| {
            let env = environment(tx, &at.project_id, at.environment.as_str())?;
            let live = secrets::find(tx, &env.id, at.path.as_str(), key.as_str())?
                .ok_or_else(|| missing_secret(&key, &at))?;
            let pair = if version == live.version {
                live_pair(&keys, &at.project_id, &live)
            } else {
                let row = history::version(tx, &live.id, version)?.ok_or_else(|| {
                    AppError::NotFound(format!("Version {version} of this secret was not found"))
                })?;
                open_version(&keys, &at.project_id, &row).ok().flatten()
            };
            let pair = pair.ok_or_else(|| {
                AppError::Conflict(format!(
                    "Version {version} of this secret has no value to restore (a deletion, or unreadable)"
                ))
            })?;
            let current = live_pair(&keys, &at.project_id, &live);
            ensure_room(tx, &limits, &at, &env.id, replace_growth(&live, current.as_ref(), &pair))?;
            let by = author(tx, &caller)?;
            let change = history::live_change(tx, &live.id)?.unwrap_or_default();
            let (row, kept) = replace(tx, &keys, &at.project_id, (live, change), current, &pair, &by)?;
            history::add_history_bytes(tx, &at.project_id, kept)?;
            Actor::of(&caller).record(
                tx,
                now_millis(),
                "secret.restore",
                Some(&at.project_id),
                serde_json::json!({ "environment": at.environment.as_str(), "path": row.path, "key": row.key, "from": version, "version": row.version }),
            )?;
            let (value, comment) = pair;
            Ok((view(&row, at.environment.as_str(), value, comment), at.touched()))
        })
        .await
}

/// What giving `live` (whose current pair is `current`, `None` when it does not open) the pair
/// `pair` adds to the project: the new pair, and the old one too unless it moves to history.
pub(super) fn replace_growth(
    live: &SecretRow,
    current: Option<&(String, String)>,
    pair: &(String, String),
) -> Growth {
    if current == Some(pair) {
        return Growth::default();
    }
    let before = if current.is_some() {
        0
    } else {
        sealed_len(live)
    };
    Growth::rewrite(before, pair_len(pair))
}

/// The sealed bytes of a pair, from its plaintext lengths.
pub(super) fn pair_len(pair: &(String, String)) -> usize {
    envelope::sealed_len(pair.0.len()) + envelope::sealed_len(pair.1.len())
}

/// Gives the live secret `live` (with how its current version came to be) the pair `pair` as a
/// new version made by a restore; the same pair again changes nothing. Answers the row and the
/// history bytes it kept, which the caller adds to the project's count
/// ([`history::add_history_bytes`]; a folder restore, once for all its secrets). The caller has
/// checked the storage limits ([`replace_growth`]).
pub(super) fn replace(
    tx: &Connection,
    keys: &ProjectKeys,
    project_id: &str,
    (mut live, change): (SecretRow, LiveChange),
    current: Option<(String, String)>,
    pair: &(String, String),
    by: &Author,
) -> AppResult<(SecretRow, i64)> {
    if current.as_ref() == Some(pair) {
        return Ok((live, 0));
    }
    let now = now_millis();
    let kept = record::supersede_as(tx, keys, project_id, &live, current.as_ref(), change, now)?;
    live.version += 1;
    live.updated_at = now;
    seal_row(keys, project_id, &mut live, &pair.0, &pair.1);
    secrets::update(
        tx,
        &live,
        Made {
            action: "restore",
            by,
        },
    )?;
    Ok((live, kept))
}

/// Puts a trashed secret back where it was (recreating missing folders): 409 if a live secret
/// has taken its name.
pub async fn trashed(
    store: &Store,
    access: &Caller,
    project_id: &str,
    secret_id: &str,
) -> AppResult<SecretView> {
    let (found, slug) = find_trashed(store, project_id, secret_id).await?;
    check(store, access, project_id, &slug, Need::Restore)?;
    let keys = store.project_keys(project_id).await?;
    let at = Location {
        project_id: project_id.to_owned(),
        environment: EnvSlug::parse(&slug).map_err(|e| AppError::validation("environment", e.0))?,
        path: SecretPath::parse(&found.path).map_err(|e| AppError::validation("path", e.0))?,
    };
    let (caller, limits, id) = (access.clone(), store.limits(), secret_id.to_owned());
    store
        .write(move |tx| {
            let missing = || AppError::NotFound(format!("No secret '{id}' is in this project's trash"));
            let trashed = history::trashed(tx, &at.project_id, &id)?.ok_or_else(missing)?;
            let last = history::version(tx, &id, trashed.version)?;
            let pair = last
                .and_then(|row| open_version(&keys, &at.project_id, &row).ok().flatten())
                .ok_or_else(|| {
                    AppError::Conflict(String::from(
                        "This secret's last value does not decrypt (damaged); it cannot be restored",
                    ))
                })?;
            let growth = Growth::one_secret(pair_len(&pair));
            ensure_room(tx, &limits, &at, &trashed.environment_id, growth)?;
            let by = author(tx, &caller)?;
            let row = revive(tx, &keys, &at.project_id, &trashed, &pair, &by)?;
            Actor::of(&caller).record(
                tx,
                now_millis(),
                "secret.untrash",
                Some(&at.project_id),
                serde_json::json!({ "environment": at.environment.as_str(), "path": row.path, "key": row.key, "version": row.version }),
            )?;
            let (value, comment) = pair;
            Ok((view(&row, at.environment.as_str(), value, comment), at.touched()))
        })
        .await
}

/// Brings a trashed secret back with `pair` as its newest version (after its `delete` entry),
/// recreating the folders it was in. 409 if a live secret has its name. The caller has checked
/// the storage limits.
pub(super) fn revive(
    tx: &Connection,
    keys: &ProjectKeys,
    project_id: &str,
    trashed: &TrashRow,
    pair: &(String, String),
    by: &Author,
) -> AppResult<SecretRow> {
    let (env_id, path, key) = (&trashed.environment_id, &trashed.path, &trashed.key);
    if secrets::find(tx, env_id, path, key)?.is_some() {
        return Err(AppError::Conflict(format!(
            "A secret named '{key}' now exists at '{path}'; rename or delete it before restoring this one"
        )));
    }
    let now: Millis = now_millis();
    let place = SecretPath::parse(path).map_err(|e| AppError::validation("path", e.0))?;
    for folder in place.lineage() {
        folders::insert_if_missing(
            tx,
            &random::hex16(),
            project_id,
            env_id,
            folder.as_str(),
            now,
        )?;
    }
    let mut row = SecretRow {
        id: trashed.secret_id.clone(),
        environment_id: env_id.clone(),
        path: path.clone(),
        key: key.clone(),
        value_ct: Vec::new(),
        comment_ct: Vec::new(),
        version: trashed.version + 2,
        created_at: trashed.created_at,
        updated_at: now,
    };
    seal_row(keys, project_id, &mut row, &pair.0, &pair.1);
    history::supersede_version(tx, &trashed.secret_id, trashed.version + 1, now)?;
    history::remove_trash(tx, &trashed.secret_id)?;
    secrets::insert(
        tx,
        project_id,
        &row,
        Made {
            action: "restore",
            by,
        },
    )?;
    Ok(row)
}
