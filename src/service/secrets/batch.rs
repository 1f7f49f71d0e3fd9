//! Writing many secrets of one folder at once: the `.env` import (client and UI) and
//! `POST …/secret-batches`. One transaction, all or nothing; a dry run reads and writes nothing.
//!
//! A batch needs write access only (DESIGN §9). A caller who may not also read the folder is told
//! only which keys exist, which a plain create would tell it too (409): every existing key is
//! reported under `existing` and no stored value is even opened, so a right and a wrong guess of
//! a stored value get the same answer.

pub use super::batch_request::{
    Batch, BatchEntry, BatchRequest, EntryRequest, Mode, OnExisting, MAX_BATCH_SECRETS,
};

use super::Location;
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::crypto::envelope::sealed_len;
use crate::crypto::random;
use crate::db::folders;
use crate::db::projects::Environment;
use crate::db::secrets::{self, SecretRow};
use crate::domain::FolderName;
use crate::error::{AppError, AppResult};
use crate::service::limits::{ensure_room, Growth};
use crate::service::sealed_fields::{open_row, seal_field, seal_row};
use crate::service::{authorize, environment, Actor};
use crate::store::{ProjectKeys, Store};
use crate::time::now_millis;
use rusqlite::Connection;
use serde::Serialize;

/// What a batch did (or, in a dry run, would do), key by key. A caller who may read the folder
/// gets `overwritten`, `unchanged` and `skipped`; one who may not gets `existing` instead.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BatchOutcome {
    pub created: Vec<String>,
    pub overwritten: Vec<String>,
    pub unchanged: Vec<String>,
    /// Existing keys with another value, left as they are (`overwrite` was false).
    pub skipped: Vec<String>,
    /// Existing keys, for a caller without `read`: overwritten or left as `overwrite` says.
    pub existing: Vec<String>,
    pub dry_run: bool,
}

/// How much of the stored values a caller may learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sight {
    Values,
    KeysOnly,
}

/// What happens to one entry.
enum Action {
    Create,
    /// `replaced`: the sealed bytes of the stored fields the entry replaces (its value, and its
    /// comment when the entry brings one).
    Overwrite {
        id: String,
        replaced: usize,
    },
    Unchanged,
    Skip,
}

pub async fn write(
    store: &Store,
    access: &Caller,
    project_id: &str,
    batch: Batch,
) -> AppResult<BatchOutcome> {
    let at = Location {
        project_id: project_id.to_owned(),
        environment: batch.environment.clone(),
        path: batch.path.clone(),
    };
    authorize(store, access, Op::Write, &at)?;
    let sight = match access.require(&at.project_id, Op::Read, at.environment.as_str(), &at.path) {
        Ok(()) => Sight::Values,
        Err(_) => Sight::KeysOnly,
    };
    let keys = store.project_keys(&at.project_id).await?;
    let limits = store.limits();
    match batch.mode {
        Mode::DryRun => {
            store
                .read(move |conn| {
                    let env = environment(conn, &at.project_id, at.environment.as_str())?;
                    folders_for(conn, &at, &env, Mode::DryRun)?;
                    let actions = plan(conn, &keys, &at, &env, &batch, sight)?;
                    // A dry run answers what the write would: a batch over a limit is its 422.
                    ensure_room(conn, &limits, &at, &env.id, growth(&batch, &actions))?;
                    Ok(outcome(&batch, &actions, sight))
                })
                .await
        }
        Mode::Apply => {
            let actor = Actor::of(access);
            store
                .write(move |tx| {
                    let env = environment(tx, &at.project_id, at.environment.as_str())?;
                    folders_for(tx, &at, &env, Mode::Apply)?;
                    let actions = plan(tx, &keys, &at, &env, &batch, sight)?;
                    // Once for the whole batch, in its transaction (so parallel writers cannot
                    // pass a limit together); an error here rolls the folders back too.
                    ensure_room(tx, &limits, &at, &env.id, growth(&batch, &actions))?;
                    apply(tx, &keys, &at, &env, &batch, &actions)?;
                    audit(&actor, tx, &at, &batch, &actions)?;
                    Ok((outcome(&batch, &actions, sight), at.touched()))
                })
                .await
        }
    }
}

/// The folders of the path, created (or, in a dry run, checked) as a single create would:
/// a folder that does not exist yet must have a valid name.
fn folders_for(conn: &Connection, at: &Location, env: &Environment, mode: Mode) -> AppResult<()> {
    let now = now_millis();
    for folder in at.path.lineage() {
        let new = match mode {
            Mode::Apply => folders::insert_if_missing(
                conn,
                &random::hex16(),
                &at.project_id,
                &env.id,
                folder.as_str(),
                now,
            )?,
            Mode::DryRun => !folder.is_root() && !folders::exists(conn, &env.id, folder.as_str())?,
        };
        if new && !folder.is_root() {
            FolderName::parse(folder.name()).map_err(|e| AppError::validation("path", e.0))?;
        }
    }
    Ok(())
}

/// One action per entry, reading one stored row at a time (a batch of small values over large
/// stored ones never holds more than one of them open).
fn plan(
    conn: &Connection,
    keys: &ProjectKeys,
    at: &Location,
    env: &Environment,
    batch: &Batch,
    sight: Sight,
) -> AppResult<Vec<Action>> {
    batch
        .entries
        .iter()
        .map(|entry| {
            let Some(row) = secrets::find(conn, &env.id, at.path.as_str(), entry.key.as_str())?
            else {
                return Ok(Action::Create);
            };
            let same = match sight {
                Sight::KeysOnly => false,
                // A stored row that does not open (damaged) is not the same: it is overwritten or
                // skipped like any other, as a single write replaces it without opening it.
                Sight::Values => {
                    match open_row(keys, &at.project_id, at.environment.as_str(), &row) {
                        Ok(stored) => {
                            stored.value == entry.value
                                && entry.comment.as_ref().is_none_or(|c| *c == stored.comment)
                        }
                        Err(AppError::Integrity(_)) => false,
                        Err(other) => return Err(other),
                    }
                }
            };
            let replaced =
                row.value_ct.len() + entry.comment.as_ref().map_or(0, |_| row.comment_ct.len());
            Ok(match (same, batch.on_existing) {
                (true, _) => Action::Unchanged,
                (false, OnExisting::Overwrite) => Action::Overwrite {
                    id: row.id,
                    replaced,
                },
                (false, OnExisting::Skip) => Action::Skip,
            })
        })
        .collect()
}

fn apply(
    tx: &Connection,
    keys: &ProjectKeys,
    at: &Location,
    env: &Environment,
    batch: &Batch,
    actions: &[Action],
) -> AppResult<()> {
    let now = now_millis();
    for (entry, action) in batch.entries.iter().zip(actions) {
        let row = || SecretRow {
            id: random::hex16(),
            environment_id: env.id.clone(),
            path: at.path.as_str().to_owned(),
            key: entry.key.as_str().to_owned(),
            value_ct: Vec::new(),
            comment_ct: Vec::new(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        match action {
            Action::Create => {
                let mut row = row();
                let comment = entry.comment.as_deref().unwrap_or("");
                seal_row(keys, &at.project_id, &mut row, &entry.value, comment);
                secrets::insert(tx, &at.project_id, &row)?;
            }
            Action::Overwrite { id, .. } => {
                let row = row();
                let value_ct = seal_field(keys, &at.project_id, &row, "value", &entry.value);
                let comment_ct = entry
                    .comment
                    .as_deref()
                    .map(|c| seal_field(keys, &at.project_id, &row, "comment", c));
                secrets::overwrite(tx, id, &value_ct, comment_ct.as_deref(), now)?;
            }
            Action::Unchanged | Action::Skip => {}
        }
    }
    Ok(())
}

/// What the batch adds, as the storage limits count it: its new secrets, and the sealed bytes of
/// the creates plus what each overwrite's new fields take over the ones they replace (computed
/// from the plaintext lengths, so a dry run needs to seal nothing).
fn growth(batch: &Batch, actions: &[Action]) -> Growth {
    let mut growth = Growth::default();
    for (entry, action) in batch.entries.iter().zip(actions) {
        let value = sealed_len(entry.value.len());
        let comment = entry.comment.as_ref().map(|c| sealed_len(c.len()));
        growth += match action {
            Action::Create => Growth::one_secret(value + comment.unwrap_or(sealed_len(0))),
            // An overwrite keeps the stored comment unless one is sent: `replaced` counts what
            // is rewritten, so the growth is the new fields over the old ones.
            Action::Overwrite { replaced, .. } => {
                Growth::rewrite(*replaced, value + comment.unwrap_or(0))
            }
            Action::Unchanged | Action::Skip => Growth::default(),
        };
    }
    growth
}

fn outcome(batch: &Batch, actions: &[Action], sight: Sight) -> BatchOutcome {
    let mut out = BatchOutcome {
        dry_run: batch.mode == Mode::DryRun,
        ..BatchOutcome::default()
    };
    for (entry, action) in batch.entries.iter().zip(actions) {
        let list = match (action, sight) {
            (Action::Create, _) => &mut out.created,
            (_, Sight::KeysOnly) => &mut out.existing,
            (Action::Overwrite { .. }, Sight::Values) => &mut out.overwritten,
            (Action::Unchanged, Sight::Values) => &mut out.unchanged,
            (Action::Skip, Sight::Values) => &mut out.skipped,
        };
        list.push(entry.key.as_str().to_owned());
    }
    out
}

/// One audit row for the whole batch: what was done, counted; never a key's value.
fn audit(
    actor: &Actor,
    conn: &Connection,
    at: &Location,
    batch: &Batch,
    actions: &[Action],
) -> AppResult<()> {
    let count = |wanted: fn(&Action) -> bool| actions.iter().filter(|a| wanted(a)).count();
    actor.record(
        conn,
        now_millis(),
        "secret.batch",
        Some(&at.project_id),
        serde_json::json!({
            "environment": at.environment.as_str(),
            "path": at.path.as_str(),
            "overwrite": batch.on_existing == OnExisting::Overwrite,
            "created": count(|a| matches!(a, Action::Create)),
            "overwritten": count(|a| matches!(a, Action::Overwrite { .. })),
            "unchanged": count(|a| matches!(a, Action::Unchanged)),
            "skipped": count(|a| matches!(a, Action::Skip)),
        }),
    )?;
    Ok(())
}
