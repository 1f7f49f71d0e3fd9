//! The one path by which a secret's current (value, comment) pair becomes history: every create,
//! update, delete and restore, whether single, batch, Infisical-compatible or from the UI, calls
//! [`supersede`] or [`trash`] in its transaction. A pair that does not open is kept as
//! `unreadable` (no ciphertext) and the write goes ahead, so a damaged secret can still be fixed.

use crate::auth::Caller;
use crate::db::history::{self, Author, LiveChange, TrashRow, VersionRow};
use crate::db::identities;
use crate::db::secrets::{self, SecretRow};
use crate::db::tokens;
use crate::error::AppResult;
use crate::service::sealed_fields::{open, Field};
use crate::store::{version_aad, ProjectKeys};
use crate::time::Millis;
use rusqlite::Connection;

/// Who is writing, named as they are now: a person by e-mail, a token or a machine identity by
/// its name (read in the write's transaction).
pub fn author(conn: &Connection, caller: &Caller) -> AppResult<Author> {
    let name = match caller {
        Caller::Admin(session) => Some(session.email.clone()),
        Caller::Token { record, .. } => {
            tokens::find(conn, &record.id)?.map(|t| t.name.as_str().to_owned())
        }
        Caller::Identity { record, .. } => {
            identities::find(conn, &record.identity_id)?.map(|i| i.name)
        }
    };
    Ok(Author {
        kind: Some(caller.actor_kind().to_owned()),
        id: Some(caller.actor_id().to_owned()),
        name,
    })
}

/// Seals a history field under the associated data naming its place and version.
pub fn seal_version(
    keys: &ProjectKeys,
    project_id: &str,
    row: &VersionRow,
    field: &str,
    plain: &str,
) -> Vec<u8> {
    let aad = version_aad(
        project_id,
        &row.environment_id,
        &row.path,
        &row.key,
        row.version,
        field,
    );
    keys.data.seal(plain.as_bytes(), &aad)
}

/// Opens a history row's pair; `None` for a `delete` mark or an unreadable row, an integrity
/// error for a ciphertext that does not open.
pub fn open_version(
    keys: &ProjectKeys,
    project_id: &str,
    row: &VersionRow,
) -> AppResult<Option<(String, String)>> {
    let Some((value, comment)) = &row.sealed else {
        return Ok(None);
    };
    let open = |field: &str, sealed: &[u8]| {
        let aad = version_aad(
            project_id,
            &row.environment_id,
            &row.path,
            &row.key,
            row.version,
            field,
        );
        let plain = keys.data.open(sealed, &aad).map_err(|e| {
            crate::error::AppError::Integrity(format!(
                "version {} of secret {} ({field}): {e}",
                row.version, row.secret_id
            ))
        })?;
        String::from_utf8(plain).map_err(|_| {
            crate::error::AppError::Integrity(format!(
                "version {} of secret {} is not UTF-8",
                row.version, row.secret_id
            ))
        })
    };
    Ok(Some((open("value", value)?, open("comment", comment)?)))
}

/// The live row's pair, or `None` when either field does not open.
pub fn live_pair(
    keys: &ProjectKeys,
    project_id: &str,
    row: &SecretRow,
) -> Option<(String, String)> {
    let value = open(keys, project_id, row, Field::Value).ok()?;
    let comment = open(keys, project_id, row, Field::Comment).ok()?;
    Some((value, comment))
}

/// Keeps `old`'s current pair (`pair`, already opened by the caller, or `None` when it does not
/// open) as a history row superseded at `now`.
pub fn supersede(
    tx: &Connection,
    keys: &ProjectKeys,
    project_id: &str,
    old: &SecretRow,
    pair: Option<&(String, String)>,
    now: Millis,
) -> AppResult<()> {
    let change = history::live_change(tx, &old.id)?.unwrap_or_default();
    let bytes = supersede_as(tx, keys, project_id, old, pair, change, now)?;
    history::add_history_bytes(tx, project_id, bytes)?;
    Ok(())
}

/// [`supersede`] for a caller that read how `old`'s current version came to be (`change`) with
/// the row, and counts the history bytes itself: answers the sealed bytes it kept, which the
/// caller adds to the project's count ([`history::add_history_bytes`]) in the same transaction.
pub fn supersede_as(
    tx: &Connection,
    keys: &ProjectKeys,
    project_id: &str,
    old: &SecretRow,
    pair: Option<&(String, String)>,
    (action, author): LiveChange,
    now: Millis,
) -> AppResult<i64> {
    let mut row = VersionRow {
        secret_id: old.id.clone(),
        version: old.version,
        environment_id: old.environment_id.clone(),
        path: old.path.clone(),
        key: old.key.clone(),
        sealed: None,
        unreadable: pair.is_none(),
        action: if action.is_empty() {
            String::from("update")
        } else {
            action
        },
        author,
        created_at: old.updated_at,
        superseded_at: Some(now),
    };
    if let Some((value, comment)) = pair {
        let sealed = (
            seal_version(keys, project_id, &row, "value", value),
            seal_version(keys, project_id, &row, "comment", comment),
        );
        row.sealed = Some(sealed);
    } else {
        tracing::warn!(project_id, path = %old.path, key = %old.key, "a superseded secret does not decrypt; its history keeps it as unreadable");
    }
    Ok(history::insert_version_uncounted(tx, project_id, &row)?)
}

/// Moves a live secret to the trash: its pair becomes history, a `delete` mark follows it, the
/// trash remembers where it was, and the live row goes.
pub fn trash(
    tx: &Connection,
    keys: &ProjectKeys,
    project_id: &str,
    old: &SecretRow,
    by: &Author,
    now: Millis,
) -> AppResult<()> {
    let pair = live_pair(keys, project_id, old);
    supersede(tx, keys, project_id, old, pair.as_ref(), now)?;
    history::insert_version(
        tx,
        project_id,
        &VersionRow {
            secret_id: old.id.clone(),
            version: old.version + 1,
            environment_id: old.environment_id.clone(),
            path: old.path.clone(),
            key: old.key.clone(),
            sealed: None,
            unreadable: false,
            action: String::from("delete"),
            author: by.clone(),
            created_at: now,
            superseded_at: None,
        },
    )?;
    history::insert_trash(
        tx,
        project_id,
        &TrashRow {
            secret_id: old.id.clone(),
            environment_id: old.environment_id.clone(),
            path: old.path.clone(),
            key: old.key.clone(),
            version: old.version,
            created_at: old.created_at,
            deleted_at: now,
            deleted_by: by.clone(),
        },
    )?;
    secrets::delete(tx, &old.id)?;
    Ok(())
}
