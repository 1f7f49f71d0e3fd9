//! Folders: list (direct children, or all descendants), create, delete (recursive on request).
//! A service token sees and changes only folders inside its scopes; a new folder is checked by its
//! own full path, and a recursive delete needs every descendant in scope.

use super::secrets::Location;
use super::views::FolderView;
use super::{authorize, authorize_listing, locate, Actor};
use crate::auth::access::{Op, Visibility};
use crate::auth::Caller;
use crate::crypto::random;
use crate::db::{folders, secrets};
use crate::domain::{Depth, EnvSlug, FolderName, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};

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
    let visibility = authorize_listing(store, access, at)?;
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
            Ok(folders::descendants(conn, &environment.id, path.as_str())?
                .iter()
                .filter(|f| {
                    let folder_path = stored_path(&f.path);
                    (depth == Depth::Recursive || folder_path.segments().count() == child_depth)
                        && (visibility == Visibility::Full
                            || access.may_reach(env.as_str(), &folder_path))
                })
                .map(|f| view(f, env.as_str()))
                .collect())
        })
        .await
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
    let (project, env, path, access) = (
        project_id.to_owned(),
        env.clone(),
        path.clone(),
        access.clone(),
    );
    store
        .write(move |tx| {
            let environment = locate(tx, &project, env.as_str(), &path)?;
            let below = folders::descendants(tx, &environment.id, path.as_str())?;
            let contained = secrets::count_in_subtree(tx, &environment.id, path.as_str())?;
            if depth == Depth::OneLevel && (!below.is_empty() || contained > 0) {
                return Err(AppError::Conflict(format!(
                    "Folder '{path}' is not empty; delete its contents first or pass recursive=true"
                )));
            }
            for folder in &below {
                access.require(Op::Write, env.as_str(), &stored_path(&folder.path))?;
            }
            folders::delete_subtree(tx, &environment.id, path.as_str())?;
            Actor::of(&access).record(
                tx,
                now_millis(),
                "folder.delete",
                Some(&project),
                serde_json::json!({ "environment": env.as_str(), "path": path.as_str(), "folders": below.len() + 1, "secrets": contained }),
            )?;
            Ok(((), Touched::subtree(&project, env.as_str(), path.as_str())))
        })
        .await
}
