//! Managing secret imports: the folders whose secrets a folder's reads may include
//! (`include_imports`, `includeImports`), in order. Managing them is a project admin's action
//! (DESIGN §9); reading the list needs read access to the importing folder. An import names an
//! existing folder of the same project, never the importing folder itself or one that imports
//! it back (directly or not): a cycle would only be cut again on every read.

use super::secrets::Location;
use super::{authorize, environment, locate, Actor};
use crate::auth::access::Op;
use crate::auth::policy::Action;
use crate::auth::Caller;
use crate::crypto::random;
use crate::db::secret_imports::{self as rows, ImportRow, NewImport};
use crate::domain::{EnvSlug, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashSet;

/// Imports one folder may list.
pub const MAX_PER_FOLDER: i64 = 20;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportView {
    pub id: String,
    pub environment: String,
    pub path: String,
    pub import_environment: String,
    pub import_path: String,
    pub position: i64,
    pub created_at: String,
}

fn view(row: &ImportRow) -> ImportView {
    ImportView {
        id: row.id.clone(),
        environment: row.environment.clone(),
        path: row.path.clone(),
        import_environment: row.import_environment.clone(),
        import_path: row.import_path.clone(),
        position: row.position,
        created_at: rfc3339(row.created_at),
    }
}

/// Managing imports is a project admin's action (DESIGN §9); tokens and identities never may.
fn require_project_admin(caller: &Caller, project_id: &str) -> AppResult<()> {
    caller.decide(Some(project_id), Action::ConfigureProject)
}

pub async fn list(store: &Store, caller: &Caller, at: &Location) -> AppResult<Vec<ImportView>> {
    authorize(store, caller, Op::Read, at)?;
    let at = at.clone();
    store
        .read(move |conn| -> AppResult<Vec<ImportView>> {
            locate(conn, &at.project_id, at.environment.as_str(), &at.path)?;
            let all = rows::in_project(conn, &at.project_id)?;
            Ok(all
                .iter()
                .filter(|r| r.environment == at.environment.as_str() && r.path == at.path.as_str())
                .map(view)
                .collect())
        })
        .await
}

/// What a new import points at.
pub struct Source {
    pub environment: EnvSlug,
    pub path: SecretPath,
}

pub async fn create(
    store: &Store,
    caller: &Caller,
    at: &Location,
    source: Source,
) -> AppResult<ImportView> {
    require_project_admin(caller, &at.project_id)?;
    let (at, actor) = (at.clone(), Actor::of(caller));
    store
        .write(move |tx| {
            let env = locate(tx, &at.project_id, at.environment.as_str(), &at.path)?;
            let src_env = environment(tx, &at.project_id, source.environment.as_str())?;
            if !source.path.is_root() && !crate::db::folders::exists(tx, &src_env.id, source.path.as_str())? {
                return Err(AppError::validation(
                    "importPath",
                    format!("folder '{}' does not exist in environment '{}'", source.path, src_env.slug),
                ));
            }
            let importer = (env.slug.clone(), at.path.as_str().to_owned());
            let imported = (src_env.slug.clone(), source.path.as_str().to_owned());
            if importer == imported {
                return Err(AppError::validation("importPath", "a folder cannot import itself"));
            }
            if reaches(tx, &at.project_id, &imported, &importer)? {
                return Err(AppError::validation(
                    "importPath",
                    "that folder already imports this one (directly or through others): cyclic import not allowed",
                ));
            }
            if rows::count_in_folder(tx, &env.id, at.path.as_str())? >= MAX_PER_FOLDER {
                return Err(AppError::validation(
                    "importPath",
                    format!("a folder may list at most {MAX_PER_FOLDER} imports"),
                ));
            }
            let id = random::hex16();
            let now = now_millis();
            rows::insert(tx, &NewImport {
                id: &id,
                project_id: &at.project_id,
                environment_id: &env.id,
                path: at.path.as_str(),
                import_environment_id: &src_env.id,
                import_path: source.path.as_str(),
                created_at: now,
            })
            .map_err(|e| match e {
                crate::db::DbError::Conflict(_) => AppError::Conflict(format!(
                    "Folder '{}' in environment '{}' already imports that folder",
                    at.path, env.slug
                )),
                other => other.into(),
            })?;
            let row = rows::find(tx, &at.project_id, &id)?
                .ok_or_else(|| AppError::internal("an import just written is gone"))?;
            actor.record(tx, now, "secret_import.create", Some(&at.project_id), serde_json::json!({
                "environment": env.slug, "path": at.path.as_str(),
                "importEnvironment": src_env.slug, "importPath": source.path.as_str(),
            }))?;
            Ok((view(&row), at.touched()))
        })
        .await
}

/// Whether `from` imports `to`, directly or through other folders.
fn reaches(
    conn: &Connection,
    project_id: &str,
    from: &(String, String),
    to: &(String, String),
) -> AppResult<bool> {
    let all = rows::in_project(conn, project_id)?;
    let mut seen = HashSet::new();
    let mut stack = vec![from.clone()];
    while let Some(folder) = stack.pop() {
        if &folder == to {
            return Ok(true);
        }
        if !seen.insert(folder.clone()) {
            continue;
        }
        stack.extend(
            all.iter()
                .filter(|r| r.environment == folder.0 && r.path == folder.1)
                .map(|r| (r.import_environment.clone(), r.import_path.clone())),
        );
    }
    Ok(false)
}

pub async fn delete(store: &Store, caller: &Caller, project_id: &str, id: &str) -> AppResult<()> {
    require_project_admin(caller, project_id)?;
    let (project, id, actor) = (project_id.to_owned(), id.to_owned(), Actor::of(caller));
    store
        .write(move |tx| {
            let row = found(tx, &project, &id)?;
            rows::delete(tx, &project, &id)?;
            let others = siblings(tx, &project, &row)?;
            rows::renumber(tx, &others)?;
            actor.record(
                tx,
                now_millis(),
                "secret_import.delete",
                Some(&project),
                serde_json::json!({
                    "environment": row.environment, "path": row.path,
                    "importEnvironment": row.import_environment, "importPath": row.import_path,
                }),
            )?;
            Ok(((), Touched::folder(&project, &row.environment, &row.path)))
        })
        .await
}

/// Moves the import to `position` (1 = first; past the end = last) among its folder's imports.
pub async fn move_to(
    store: &Store,
    caller: &Caller,
    project_id: &str,
    id: &str,
    position: i64,
) -> AppResult<ImportView> {
    require_project_admin(caller, project_id)?;
    if position < 1 {
        return Err(AppError::validation("position", "must be 1 or more"));
    }
    let (project, id, actor) = (project_id.to_owned(), id.to_owned(), Actor::of(caller));
    store
        .write(move |tx| {
            let row = found(tx, &project, &id)?;
            let mut others = siblings(tx, &project, &row)?;
            others.retain(|other| other != &row.id);
            let place = usize::try_from(position - 1)
                .unwrap_or(usize::MAX)
                .min(others.len());
            others.insert(place, row.id.clone());
            rows::renumber(tx, &others)?;
            let moved = found(tx, &project, &id)?;
            actor.record(
                tx,
                now_millis(),
                "secret_import.move",
                Some(&project),
                serde_json::json!({
                    "environment": row.environment, "path": row.path, "position": moved.position,
                }),
            )?;
            Ok((
                view(&moved),
                Touched::folder(&project, &row.environment, &row.path),
            ))
        })
        .await
}

fn found(conn: &Connection, project_id: &str, id: &str) -> AppResult<ImportRow> {
    rows::find(conn, project_id, id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "Secret import '{}' was not found",
            crate::domain::names::truncate_for_message(id)
        ))
    })
}

/// The ids of the imports of `row`'s folder, in order (`row` included if still stored).
fn siblings(conn: &Connection, project_id: &str, row: &ImportRow) -> AppResult<Vec<String>> {
    Ok(rows::in_project(conn, project_id)?
        .into_iter()
        .filter(|r| r.environment == row.environment && r.path == row.path)
        .map(|r| r.id)
        .collect())
}
