//! Writing secrets: create (making missing parent folders), update, delete; each in one
//! transaction that checks the storage limits and names the folder it touched, and each
//! answering the secret as the caller may see it (without `read`, no value or comment). None of
//! them needs to open a ciphertext it replaces or removes, so a damaged secret can be fixed or
//! deleted.

use super::{missing_secret, Location};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::crypto::random;
use crate::db::folders;
use crate::db::history::{self, LiveChange};
use crate::db::secrets::{self, Made, SecretRow};
use crate::domain::{FolderName, SecretKey};
use crate::error::{AppError, AppResult};
use crate::service::history::record::{self, author, live_pair};
use crate::service::limits::{ensure_room, Growth};
use crate::service::sealed_fields::{
    check_sizes, open, open_row, seal_row, sealed_len, view, Field,
};
use crate::service::views::{SecretView, WrittenSecret};
use crate::service::{authorize, check_access, environment, locate, Actor};
use crate::store::Store;
use crate::time::{now_millis, rfc3339};
use rusqlite::Connection;

pub async fn create(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
    value: &str,
    comment: &str,
) -> AppResult<WrittenSecret> {
    authorize(store, access, Op::Write, at)?;
    check_sizes(Some(value), Some(comment))?;
    let keys = store.project_keys(&at.project_id).await?;
    let (at, key, actor, limits) = (at.clone(), key.clone(), Actor::of(access), store.limits());
    let (value, comment, caller) = (value.to_owned(), comment.to_owned(), access.clone());
    let created = store
        .write(move |tx| {
            let env = environment(tx, &at.project_id, at.environment.as_str())?;
            let now = now_millis();
            for folder in at.path.lineage() {
                let created = folders::insert_if_missing(tx, &random::hex16(), &at.project_id, &env.id, folder.as_str(), now)?;
                // Checked only for a folder this creates, so one stored before the rule keeps
                // taking secrets; the error rolls back everything written so far.
                if created && !folder.is_root() {
                    FolderName::parse(folder.name()).map_err(|e| AppError::validation("path", e.0))?;
                }
            }
            if secrets::find(tx, &env.id, at.path.as_str(), key.as_str())?.is_some() {
                return Err(AppError::Conflict(format!(
                    "Secret '{}' already exists in environment '{}' at path '{}'; update it with PATCH",
                    key.as_str(),
                    at.environment.as_str(),
                    at.path
                )));
            }
            let mut row = SecretRow {
                id: random::hex16(),
                environment_id: env.id.clone(),
                path: at.path.as_str().to_owned(),
                key: key.as_str().to_owned(),
                value_ct: Vec::new(),
                comment_ct: Vec::new(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            seal_row(&keys, &at.project_id, &mut row, &value, &comment);
            ensure_room(tx, &limits, &at, &env.id, Growth::one_secret(sealed_len(&row)))?;
            let by = author(tx, &caller)?;
            secrets::insert(tx, &at.project_id, &row, Made { action: "create", by: &by })?;
            audit(&actor, tx, "secret.create", &at, &row)?;
            let touched = at.touched();
            Ok((SecretView {
                id: row.id,
                key: row.key,
                value,
                comment,
                version: 1,
                environment: at.environment.as_str().to_owned(),
                path: row.path,
                created_at: rfc3339(now),
                updated_at: rfc3339(now),
            }, touched))
        })
        .await?;
    Ok(WrittenSecret::for_caller(access, created))
}

pub async fn update(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
    value: Option<&str>,
    comment: Option<&str>,
) -> AppResult<WrittenSecret> {
    if value.is_none() && comment.is_none() {
        return Err(AppError::validation(
            "value",
            "nothing to change: send a new value, a new comment or both",
        ));
    }
    authorize(store, access, Op::Write, at)?;
    check_sizes(value, comment)?;
    let keys = store.project_keys(&at.project_id).await?;
    let (at, key, actor, limits) = (at.clone(), key.clone(), Actor::of(access), store.limits());
    let (value, comment) = (value.map(str::to_owned), comment.map(str::to_owned));
    let caller = access.clone();
    let updated = store
        .write(move |tx| {
            let (mut row, change) = existing_with_change(tx, &at, &key)?;
            let env = at.environment.as_str();
            let current = live_pair(&keys, &at.project_id, &row);
            // Only a field kept as it is must open: a new value replaces a damaged one. The
            // pair opened above already has it unless a field is damaged.
            let kept = |new: Option<String>, field| match (new, &current) {
                (Some(new), _) => Ok(new),
                (None, Some((value, _))) if field == Field::Value => Ok(value.clone()),
                (None, Some((_, comment))) if field == Field::Comment => Ok(comment.clone()),
                (None, _) => {
                    open(&keys, &at.project_id, &row, field).map_err(|e| kept_unreadable(e, field))
                }
            };
            let value = kept(value, Field::Value)?;
            let comment = kept(comment, Field::Comment)?;
            if current
                .as_ref()
                .is_some_and(|(v, c)| *v == value && *c == comment)
            {
                // The same pair again is not a version: nothing is written, nothing evicted.
                let unchanged = view(&row, env, value, comment);
                return Ok((unchanged, crate::store::Touched::nothing()));
            }
            let now = now_millis();
            let old = row.clone();
            // The old pair moves to history (re-sealed, the same size) unless it did not open;
            // the limit is checked before that move is counted.
            let before = if current.is_some() {
                0
            } else {
                sealed_len(&row)
            };
            row.version += 1;
            row.updated_at = now;
            seal_row(&keys, &at.project_id, &mut row, &value, &comment);
            let growth = Growth::rewrite(before, sealed_len(&row));
            ensure_room(tx, &limits, &at, &row.environment_id, growth)?;
            let kept_bytes = record::supersede_as(
                tx,
                &keys,
                &at.project_id,
                &old,
                current.as_ref(),
                change,
                now,
            )?;
            history::add_history_bytes(tx, &at.project_id, kept_bytes)?;
            let by = author(tx, &caller)?;
            secrets::update(
                tx,
                &row,
                Made {
                    action: "update",
                    by: &by,
                },
            )?;
            audit(&actor, tx, "secret.update", &at, &row)?;
            Ok::<_, AppError>((view(&row, env, value, comment), at.touched()))
        })
        .await?;
    Ok(WrittenSecret::for_caller(access, updated))
}

/// A field an update would keep does not decrypt: a 409 saying to send it too (a new value for a
/// damaged comment is not a reason to fail with a 500, nor to drop the comment silently).
fn kept_unreadable(error: AppError, field: Field) -> AppError {
    match error {
        AppError::Integrity(cause) => {
            tracing::warn!(cause = %cause, "an update would keep a field that does not decrypt");
            let name = field.name();
            AppError::Conflict(format!(
                "The stored {name} of this secret does not decrypt (damaged, or changed outside Envkeep); send a new {name} with the update, or delete the secret"
            ))
        }
        other => other,
    }
}

pub async fn delete(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
) -> AppResult<WrittenSecret> {
    authorize(store, access, Op::Write, at)?;
    let keys = store.project_keys(&at.project_id).await?;
    let (at, key, actor, caller) = (at.clone(), key.clone(), Actor::of(access), access.clone());
    let deleted = store
        .write(move |tx| {
            let row = existing(tx, &at, &key)?;
            // The deleted secret is returned: Infisical's clients read it back from the answer.
            // A damaged one is deleted all the same and answered with an empty value and comment.
            let env = at.environment.as_str();
            let deleted = open_row(&keys, &at.project_id, env, &row).unwrap_or_else(|e| {
                tracing::warn!(cause = %e, "deleting a secret that does not decrypt");
                view(&row, env, String::new(), String::new())
            });
            let by = author(tx, &caller)?;
            record::trash(tx, &keys, &at.project_id, &row, &by, now_millis())?;
            audit(&actor, tx, "secret.delete", &at, &row)?;
            Ok::<_, AppError>((deleted, at.touched()))
        })
        .await?;
    Ok(WrittenSecret::for_caller(access, deleted))
}

/// That the secret `key` is stored at `at` (a 404 naming what is missing otherwise), without
/// opening it: a delete's confirmation must work for a damaged secret too.
pub async fn require_stored(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
) -> AppResult<()> {
    check_access(store, access, Op::Write, at)?;
    let (at, key) = (at.clone(), key.clone());
    store
        .read(move |conn| existing(conn, &at, &key).map(drop))
        .await
}

/// The stored row of the secret `key` at `at`; a miss is a 404 naming the project, the
/// environment, the folder or else the secret, whichever is missing.
fn existing(conn: &Connection, at: &Location, key: &SecretKey) -> AppResult<SecretRow> {
    existing_with_change(conn, at, key).map(|(row, _)| row)
}

/// [`existing`] with how the row's current version came to be (for its history row).
fn existing_with_change(
    conn: &Connection,
    at: &Location,
    key: &SecretKey,
) -> AppResult<(SecretRow, LiveChange)> {
    let env = environment(conn, &at.project_id, at.environment.as_str())?;
    match secrets::find_with_change(conn, &env.id, at.path.as_str(), key.as_str())? {
        Some(found) => Ok(found),
        None => {
            locate(conn, &at.project_id, at.environment.as_str(), &at.path)?;
            Err(missing_secret(key, at))
        }
    }
}

fn audit(
    actor: &Actor,
    conn: &Connection,
    action: &'static str,
    at: &Location,
    row: &SecretRow,
) -> AppResult<()> {
    actor.record(
        conn,
        now_millis(),
        action,
        Some(&at.project_id),
        serde_json::json!({ "environment": at.environment.as_str(), "path": row.path, "key": row.key, "version": row.version }),
    )?;
    Ok(())
}
