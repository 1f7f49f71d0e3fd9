//! Folders: list (direct children, or all descendants), create, delete (recursive on request).
//! A service token sees only the folders it may reach (in its scopes, or on the way to one) and
//! changes only folders inside its scopes; a new folder is checked by its own full path, and a
//! recursive delete needs every descendant in scope.

use super::history::record::{self, author};
use super::secrets::Location;
use super::views::FolderView;
use super::{audit_refusal, authorize, authorize_listing, locate, Actor};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::crypto::random;
use crate::db::{folders, secret_imports, secrets};
use crate::domain::{Depth, EnvSlug, FolderName, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};
use rusqlite::Connection;
use std::collections::HashSet;

/// A stored folder's path; one that no longer parses (stored before a rule it breaks) reads as
/// the root rather than failing the whole listing.
fn stored_path(raw: &str) -> SecretPath {
    SecretPath::parse(raw).unwrap_or_else(|_| SecretPath::root())
}

fn view(folder: &folders::Folder, environment: &str) -> FolderView {
    let path = stored_path(&folder.path);
    FolderView {
        id: folder.id.clone(),
        name: path.name().to_owned(),
        path: folder.path.clone(),
        environment: environment.to_owned(),
        created_at: rfc3339(folder.created_at),
    }
}

pub async fn list(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Vec<FolderView>> {
    authorize_listing(store, access, at)?;
    let (at, access) = (at.clone(), access.clone());
    store
        .read(move |conn| {
            let Location {
                project_id,
                environment: env,
                path,
            } = &at;
            let environment = locate(conn, project_id, env.as_str(), path)?;
            let child_depth = path.segments().count() + 1;
            let below = folders::descendants(conn, &environment.id, path.as_str())?;
            Ok(reachable(&access, env.as_str(), below)
                .iter()
                .filter(|f| {
                    depth == Depth::Recursive
                        || stored_path(&f.path).segments().count() == child_depth
                })
                .map(|f| view(f, env.as_str()))
                .collect())
        })
        .await
}

/// The folders of `below` (everything under a listed folder) that a caller may reach: those in
/// its scopes and those on the way down to one that exists. No other name is shown, whatever the
/// listed folder's own visibility: a token scoped to `/` sees no folder, one scoped to `/app`
/// none below `/app`, and `/**/deep` only the paths to existing `deep` folders.
fn reachable(
    access: &Caller,
    environment: &str,
    below: Vec<folders::Folder>,
) -> Vec<folders::Folder> {
    if access.token().is_none() {
        return below;
    }
    let mut on_the_way = HashSet::new();
    for folder in &below {
        let path = stored_path(&folder.path);
        if access.in_scope(environment, &path) {
            on_the_way.extend(path.lineage().iter().map(|p| p.as_str().to_owned()));
        }
    }
    below
        .into_iter()
        .filter(|f| on_the_way.contains(&f.path))
        .collect()
}

pub async fn create(
    store: &Store,
    access: &Caller,
    project_id: &str,
    env: &EnvSlug,
    parent: &SecretPath,
    name: &FolderName,
) -> AppResult<FolderView> {
    let path = parent
        .join(name)
        .map_err(|e| AppError::validation("name", e.0))?;
    let at = Location {
        project_id: project_id.to_owned(),
        environment: env.clone(),
        path,
    };
    authorize(store, access, Op::Write, &at)?;
    let (parent, actor) = (parent.clone(), Actor::of(access));
    store
        .write(move |tx| {
            let Location {
                project_id: project,
                environment: env,
                path,
            } = &at;
            let environment = locate(tx, project, env.as_str(), &parent)?;
            let now = now_millis();
            let folder = folders::Folder {
                id: random::hex16(),
                path: path.as_str().to_owned(),
                created_at: now,
            };
            if !folders::insert_if_missing(
                tx,
                &folder.id,
                project,
                &environment.id,
                &folder.path,
                now,
            )? {
                return Err(AppError::Conflict(format!(
                    "Folder '{path}' already exists in environment '{}'",
                    env.as_str()
                )));
            }
            actor.record(
                tx,
                now,
                "folder.create",
                Some(project),
                serde_json::json!({ "environment": env.as_str(), "path": folder.path }),
            )?;
            Ok((view(&folder, env.as_str()), at.touched()))
        })
        .await
}

/// The 409 for deleting folder `path` while a folder outside it imports it (or a folder below
/// it). The importer is named only to a caller who may read it.
fn import_refusal(
    conn: &Connection,
    caller: &Caller,
    project: &str,
    environment_id: &str,
    path: &SecretPath,
) -> AppResult<Option<AppError>> {
    let importers =
        secret_imports::importers_from_outside(conn, environment_id, Some(path.as_str()))?;
    let Some(importer) = importers.first() else {
        return Ok(None);
    };
    let seen = SecretPath::parse(&importer.path).is_ok_and(|p| {
        let read = crate::auth::policy::Action::ReadSecrets {
            environment: &importer.environment,
            path: &p,
        };
        caller.decide(Some(project), read).is_ok()
            && caller.has_permission(Op::Read)
            && caller.in_scope(&importer.environment, &p)
    });
    let by = match seen {
        true => format!(
            "folder '{}' in environment '{}'",
            importer.path, importer.environment
        ),
        false => String::from("a folder you may not see"),
    };
    Ok(Some(AppError::Conflict(format!(
        "Folder '{path}' (or a folder below it) is imported by {by}; remove that import first"
    ))))
}

/// What deleting a folder would remove (every secret below it goes to the trash), and the
/// refusal an import would cause, if one would.
#[derive(Debug)]
pub struct FolderDeletion {
    pub secrets: usize,
    /// Folders below it, at any depth.
    pub subfolders: usize,
    pub refusal: Option<AppError>,
}

/// The counts and the import refusal that a recursive `delete` of `at` would meet, for the
/// confirmation page; the same authorisation as the delete.
pub async fn deletion(store: &Store, access: &Caller, at: &Location) -> AppResult<FolderDeletion> {
    if at.path.is_root() {
        return Err(AppError::validation(
            "path",
            "the root folder '/' cannot be deleted",
        ));
    }
    authorize(store, access, Op::Write, at)?;
    let (at, caller) = (at.clone(), access.clone());
    store
        .read(move |conn| {
            let Location {
                project_id,
                environment: env,
                path,
            } = &at;
            let environment = locate(conn, project_id, env.as_str(), path)?;
            Ok(FolderDeletion {
                secrets: secrets::count_in_subtree(conn, &environment.id, path.as_str())?,
                subfolders: folders::descendants(conn, &environment.id, path.as_str())?.len(),
                refusal: import_refusal(conn, &caller, project_id, &environment.id, path)?,
            })
        })
        .await
}

pub async fn delete(store: &Store, access: &Caller, at: &Location, depth: Depth) -> AppResult<()> {
    let Location {
        project_id,
        environment: env,
        path,
    } = at;
    if path.is_root() {
        return Err(AppError::validation(
            "path",
            "the root folder '/' cannot be deleted",
        ));
    }
    authorize(store, access, Op::Write, at)?;
    let keys = store.project_keys(project_id).await?;
    let (project, env, path, caller) = (
        project_id.to_owned(),
        env.clone(),
        path.clone(),
        access.clone(),
    );
    let deleted = store
        .write(move |tx| {
            let environment = locate(tx, &project, env.as_str(), &path)?;
            let below = folders::descendants(tx, &environment.id, path.as_str())?;
            let contained = secrets::count_in_subtree(tx, &environment.id, path.as_str())?;
            if depth == Depth::OneLevel && (!below.is_empty() || contained > 0) {
                return Err(AppError::Conflict(format!(
                    "Folder '{path}' is not empty; delete its contents first or pass recursive=true"
                )));
            }
            // The refusal names only the folder asked for: not what lies below it.
            if below.iter().any(|f| !caller.in_scope(env.as_str(), &stored_path(&f.path))) {
                return Err(AppError::PermissionDenied(format!(
                    "You are not allowed to delete folder '{path}' with everything below it: some folders below it are outside this service token's scopes"
                )));
            }
            if let Some(refusal) = import_refusal(tx, &caller, &project, &environment.id, &path)? {
                return Err(refusal);
            }
            // Every secret below goes to the trash first (its history outlives the folders).
            let by = author(tx, &caller)?;
            let now = now_millis();
            for (place, key) in secrets::places_in_subtree(tx, &environment.id, path.as_str())? {
                if let Some(row) = secrets::find(tx, &environment.id, &place, &key)? {
                    record::trash(tx, &keys, &project, &row, &by, now)?;
                }
            }
            folders::delete_subtree(tx, &environment.id, path.as_str())?;
            Actor::of(&caller).record(
                tx,
                now_millis(),
                "folder.delete",
                Some(&project),
                serde_json::json!({ "environment": env.as_str(), "path": path.as_str(), "folders": below.len() + 1, "secrets": contained }),
            )?;
            Ok(((), Touched::subtree(&project, env.as_str(), path.as_str())))
        })
        .await;
    audit_refusal(store, access, &deleted);
    deleted
}
