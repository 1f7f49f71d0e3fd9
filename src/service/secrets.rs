//! Secrets: list (one folder or a subtree), get, create, update, delete. Values and comments are
//! sealed under the project's data key with associated data naming the row; a ciphertext that
//! fails to open is an integrity error, never garbage.

use super::folder_cache::{self, CachedFolder};
use super::keys::ProjectKeys;
use super::sealed_fields::{check_sizes, open_row, seal_row};
use super::views::SecretView;
use super::{authorize, authorize_listing, locate, Actor};
use crate::auth::access::Op;
use crate::auth::Access;
use crate::crypto::random;
use crate::db::folders;
use crate::db::projects::Environment;
use crate::db::secrets::{self, SecretRow};
use crate::domain::{EnvSlug, FolderName, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::time::{now_millis, rfc3339};
use rusqlite::Connection;
use std::sync::Arc;

/// A `get` that misses the folder cache decrypts the whole folder (to cache it) up to this size.
const GET_CACHES_FOLDERS_UP_TO: usize = 100;

/// Where a secret lives: project, environment slug, folder.
#[derive(Debug, Clone)]
pub struct Location {
    pub project_id: String,
    pub environment: EnvSlug,
    pub path: SecretPath,
}

/// The project's keys for a write at `at`, after checking the caller may write there: a body
/// sealed with the wire key is opened only for a caller allowed to write it, so a token of
/// another project gets its 403 (audited) and never has this project's keys unsealed.
pub async fn keys_for_write(
    state: &AppState,
    access: &Access,
    at: &Location,
) -> AppResult<Arc<ProjectKeys>> {
    let env = at.environment.as_str();
    authorize(state, access, &at.project_id, Op::Write, env, &at.path)?;
    state.keys.project(&state.db, &at.project_id).await
}

/// The environment, with a 404 naming the project or environment when missing (the root
/// folder always exists, so `locate` checks no folder here).
fn environment_of(conn: &Connection, at: &Location) -> AppResult<Environment> {
    locate(
        conn,
        &at.project_id,
        at.environment.as_str(),
        &SecretPath::root(),
    )
}

/// A listing: a folder shared with other requests (from the folder cache), or a subtree built
/// for this caller's scopes.
pub enum Listing {
    Folder(Arc<CachedFolder>),
    Subtree(Vec<SecretView>),
}

impl Listing {
    pub fn secrets(&self) -> &[SecretView] {
        match self {
            Listing::Folder(folder) => folder.secrets(),
            Listing::Subtree(secrets) => secrets,
        }
    }
}

pub async fn list(
    state: &AppState,
    access: &Access,
    at: &Location,
    recursive: bool,
) -> AppResult<Vec<SecretView>> {
    Ok(list_shared(state, access, at, recursive)
        .await?
        .secrets()
        .to_vec())
}

/// [`list`] without copying a cached folder: what the hot read paths serialise from.
pub async fn list_shared(
    state: &AppState,
    access: &Access,
    at: &Location,
    recursive: bool,
) -> AppResult<Listing> {
    let env = at.environment.as_str();
    if !recursive {
        authorize(state, access, &at.project_id, Op::Read, env, &at.path)?;
        return Ok(Listing::Folder(folder(state, at).await?));
    }
    authorize_listing(state, access, &at.project_id, env, &at.path)?;
    let keys = state.keys.project(&state.db, &at.project_id).await?;
    let (at, access) = (at.clone(), access.clone());
    state
        .db
        .run(move |conn| {
            let env = environment_of(conn, &at)?;
            let rows = secrets::list_in_subtree(conn, &env.id, at.path.as_str())?;
            require_folder(conn, &at, &env, rows.is_empty())?;
            // Only a token can see part of a subtree; an admin sees all of it.
            let scoped = access.token().is_some();
            rows.iter()
                .filter(|row| {
                    !scoped
                        || SecretPath::parse(&row.path)
                            .is_ok_and(|p| access.in_scope(at.environment.as_str(), &p))
                })
                .map(|row| open_row(&keys, &at.project_id, at.environment.as_str(), row))
                .collect::<AppResult<_>>()
                .map(Listing::Subtree)
        })
        .await
}

/// A folder with no secrets may still not exist (the root always does): 404 then.
fn require_folder(
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

/// Decrypts every row of the folder.
fn open_folder(conn: &Connection, keys: &ProjectKeys, at: &Location) -> AppResult<Vec<SecretView>> {
    let env = environment_of(conn, at)?;
    let rows = secrets::list_in_folder(conn, &env.id, at.path.as_str())?;
    require_folder(conn, at, &env, rows.is_empty())?;
    rows.iter()
        .map(|row| open_row(keys, &at.project_id, at.environment.as_str(), row))
        .collect()
}

/// The folder's secrets: from the folder cache, or read, decrypted and cached. The generation
/// is read before the rows, so a write that commits meanwhile keeps this load out of the cache.
async fn folder(state: &AppState, at: &Location) -> AppResult<Arc<CachedFolder>> {
    let cache_key = folder_cache::key(&at.project_id, at.environment.as_str(), at.path.as_str());
    let generation = state.db.generation();
    if let Some(hit) = state.folders.get(&cache_key, generation) {
        return Ok(hit);
    }
    let keys = state.keys.project(&state.db, &at.project_id).await?;
    let owned = at.clone();
    let secrets = state
        .db
        .run(move |conn| open_folder(conn, &keys, &owned))
        .await?;
    let folder = Arc::new(CachedFolder::new(secrets));
    state
        .folders
        .insert(cache_key, folder.clone(), generation, state.db.generation());
    Ok(folder)
}

pub async fn get(
    state: &AppState,
    access: &Access,
    at: &Location,
    key: &SecretKey,
) -> AppResult<SecretView> {
    let env = at.environment.as_str();
    authorize(state, access, &at.project_id, Op::Read, env, &at.path)?;
    let cache_key = folder_cache::key(&at.project_id, env, at.path.as_str());
    let generation = state.db.generation();
    if let Some(folder) = state.folders.get(&cache_key, generation) {
        return folder
            .find(key.as_str())
            .cloned()
            .ok_or_else(|| missing_secret(key, at));
    }
    let keys = state.keys.project(&state.db, &at.project_id).await?;
    let (owned, owned_key) = (at.clone(), key.clone());
    let (found, whole) = state
        .db
        .run(
            move |conn| -> AppResult<(Option<SecretView>, Option<Vec<SecretView>>)> {
                let (at, key) = (owned, owned_key);
                let env = environment_of(conn, &at)?;
                let limit = GET_CACHES_FOLDERS_UP_TO + 1;
                let rows = secrets::list_in_folder_up_to(conn, &env.id, at.path.as_str(), limit)?;
                require_folder(conn, &at, &env, rows.is_empty())?;
                let open =
                    |row: &SecretRow| open_row(&keys, &at.project_id, at.environment.as_str(), row);
                // A small folder is decrypted whole, so the next reads of it cost no SQL. In a
                // large one, or one where another row fails to open, only the secret asked for
                // is decrypted: a damaged neighbour must not fail this read.
                if rows.len() <= GET_CACHES_FOLDERS_UP_TO {
                    if let Ok(secrets) = rows.iter().map(open).collect::<AppResult<Vec<_>>>() {
                        let found = secrets.iter().find(|s| s.key == key.as_str()).cloned();
                        return Ok((found, Some(secrets)));
                    }
                    let row = rows.iter().find(|r| r.key == key.as_str());
                    return Ok((row.map(open).transpose()?, None));
                }
                let row = secrets::find(conn, &env.id, at.path.as_str(), key.as_str())?;
                Ok((row.as_ref().map(open).transpose()?, None))
            },
        )
        .await?;
    if let Some(secrets) = whole {
        let folder = Arc::new(CachedFolder::new(secrets));
        state
            .folders
            .insert(cache_key, folder, generation, state.db.generation());
    }
    found.ok_or_else(|| missing_secret(key, at))
}

fn missing_secret(key: &SecretKey, at: &Location) -> AppError {
    AppError::NotFound(format!(
        "Secret '{}' was not found in environment '{}' at path '{}'",
        key.as_str(),
        at.environment.as_str(),
        at.path
    ))
}

pub async fn create(
    state: &AppState,
    access: &Access,
    at: &Location,
    key: &SecretKey,
    value: &str,
    comment: &str,
) -> AppResult<SecretView> {
    authorize(
        state,
        access,
        &at.project_id,
        Op::Write,
        at.environment.as_str(),
        &at.path,
    )?;
    check_sizes(Some(value), Some(comment))?;
    let keys = state.keys.project(&state.db, &at.project_id).await?;
    let (at, key, actor) = (at.clone(), key.clone(), Actor::of(access));
    let (value, comment) = (value.to_owned(), comment.to_owned());
    state
        .db
        .write(move |tx| {
            let env = environment_of(tx, &at)?;
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
            secrets::insert(tx, &at.project_id, &row)?;
            audit(&actor, tx, "secret.create", &at, &row)?;
            Ok(SecretView {
                id: row.id,
                key: row.key,
                value,
                comment,
                version: 1,
                environment: at.environment.as_str().to_owned(),
                path: row.path,
                created_at: rfc3339(now),
                updated_at: rfc3339(now),
            })
        })
        .await
}

pub async fn update(
    state: &AppState,
    access: &Access,
    at: &Location,
    key: &SecretKey,
    value: Option<&str>,
    comment: Option<&str>,
) -> AppResult<SecretView> {
    authorize(
        state,
        access,
        &at.project_id,
        Op::Write,
        at.environment.as_str(),
        &at.path,
    )?;
    check_sizes(value, comment)?;
    let keys = state.keys.project(&state.db, &at.project_id).await?;
    let (at, key, actor) = (at.clone(), key.clone(), Actor::of(access));
    let (value, comment) = (value.map(str::to_owned), comment.map(str::to_owned));
    state
        .db
        .write(move |tx| {
            let env = environment_of(tx, &at)?;
            let Some(mut row) = secrets::find(tx, &env.id, at.path.as_str(), key.as_str())? else {
                locate(tx, &at.project_id, at.environment.as_str(), &at.path)?;
                return Err(missing_secret(&key, &at));
            };
            let current = open_row(&keys, &at.project_id, at.environment.as_str(), &row)?;
            let value = value.unwrap_or(current.value);
            let comment = comment.unwrap_or(current.comment);
            row.version += 1;
            row.updated_at = now_millis();
            seal_row(&keys, &at.project_id, &mut row, &value, &comment);
            secrets::update(tx, &row)?;
            audit(&actor, tx, "secret.update", &at, &row)?;
            Ok(SecretView {
                value,
                comment,
                updated_at: rfc3339(row.updated_at),
                version: row.version,
                ..current
            })
        })
        .await
}

pub async fn delete(
    state: &AppState,
    access: &Access,
    at: &Location,
    key: &SecretKey,
) -> AppResult<SecretView> {
    authorize(
        state,
        access,
        &at.project_id,
        Op::Write,
        at.environment.as_str(),
        &at.path,
    )?;
    let keys = state.keys.project(&state.db, &at.project_id).await?;
    let (at, key, actor) = (at.clone(), key.clone(), Actor::of(access));
    state
        .db
        .write(move |tx| {
            let env = environment_of(tx, &at)?;
            let Some(row) = secrets::find(tx, &env.id, at.path.as_str(), key.as_str())? else {
                locate(tx, &at.project_id, at.environment.as_str(), &at.path)?;
                return Err(missing_secret(&key, &at));
            };
            // The deleted secret is returned: Infisical's clients read it back from the answer.
            let deleted = open_row(&keys, &at.project_id, at.environment.as_str(), &row)?;
            secrets::delete(tx, &row.id)?;
            audit(&actor, tx, "secret.delete", &at, &row)?;
            Ok(deleted)
        })
        .await
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
