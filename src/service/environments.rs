//! Environments of a project. Slugs are immutable; renaming changes the display name only.
//! Deleting an environment that a live token's scope names, or that a folder elsewhere imports,
//! is refused (409); `deletion` says beforehand what a delete would remove and what blocks it.

use super::views::EnvironmentView;
use super::{environment, project_not_found, require_project, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::db::{folders, memberships, projects, secret_imports, secrets, tokens, DbError};
use crate::domain::{EnvSlug, Name};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::now_millis;
use rusqlite::Connection;

pub(crate) fn view(env: &projects::Environment) -> EnvironmentView {
    EnvironmentView {
        name: env.name.clone(),
        slug: env.slug.clone(),
        position: env.position,
    }
}

pub async fn list(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
) -> AppResult<Vec<EnvironmentView>> {
    session.decide(Some(project_id), Action::SeeProject)?;
    let id = project_id.to_owned();
    store
        .read(move |conn| {
            require_project(conn, &id)?;
            Ok(projects::environments(conn, &id)?
                .iter()
                .map(view)
                .collect())
        })
        .await
        .map_err(project_not_found(project_id))
}

pub async fn create(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    name: Name,
    slug: EnvSlug,
) -> AppResult<EnvironmentView> {
    session.decide(Some(project_id), Action::ConfigureProject)?;
    let id = project_id.to_owned();
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            require_project(tx, &id)?;
            if projects::find_environment(tx, &id, slug.as_str())?.is_some() {
                return Err(DbError::Conflict(format!(
                    "An environment with slug '{}' already exists",
                    slug.as_str()
                )));
            }
            let position = projects::next_environment_position(tx, &id)?;
            let env = super::projects::insert_environment(
                tx,
                &id,
                name.as_str(),
                slug.as_str(),
                position,
            )?;
            actor.record(
                tx,
                now_millis(),
                "environment.create",
                Some(&id),
                serde_json::json!({ "slug": env.slug }),
            )?;
            Ok((view(&env), Touched::environment(&id, &env.slug)))
        })
        .await
        // The slug was checked in the same write transaction, so the insert cannot collide.
        .map_err(project_not_found(project_id))
}

/// Renames and/or moves an environment (display name and position only).
pub async fn update(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    slug: &str,
    name: Option<Name>,
    position: Option<i64>,
) -> AppResult<EnvironmentView> {
    session.decide(Some(project_id), Action::ConfigureProject)?;
    let (id, slug_owned) = (project_id.to_owned(), slug.to_owned());
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            let mut env = environment(tx, &id, &slug_owned)?;
            if let Some(name) = name {
                projects::rename_environment(tx, &env.id, name.as_str())?;
                env.name = name.as_str().to_owned();
            }
            if let Some(position) = position {
                projects::set_environment_position(tx, &env.id, position)?;
                env.position = position;
            }
            actor.record(
                tx,
                now_millis(),
                "environment.update",
                Some(&id),
                serde_json::json!({ "slug": env.slug, "name": env.name }),
            )?;
            // Name and position are not part of any cached folder.
            Ok((view(&env), Touched::nothing()))
        })
        .await
}

/// A live service token that keeps an environment from being deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingToken {
    pub id: String,
    pub name: String,
}

/// What deleting an environment would remove, and what keeps it from being deleted now.
#[derive(Debug, Clone)]
pub struct EnvDeletion {
    pub environment: EnvironmentView,
    pub secrets: usize,
    /// Folders below the root (the root goes too, but nobody made it).
    pub folders: usize,
    pub tokens: Vec<BlockingToken>,
    /// The folder outside this environment that imports from it, as "'/app' in 'prod'".
    pub imported_by: Option<String>,
}

impl EnvDeletion {
    pub fn blocked(&self) -> bool {
        !self.tokens.is_empty() || self.imported_by.is_some()
    }
}

/// The two rules that refuse a delete, read once for the preview and again inside the delete.
fn blockers(
    conn: &Connection,
    project_id: &str,
    env: &projects::Environment,
) -> AppResult<(Vec<BlockingToken>, Option<String>)> {
    let tokens = tokens::live_in_environment(conn, project_id, &env.slug, now_millis())?
        .into_iter()
        .map(|(id, name)| BlockingToken { id, name })
        .collect();
    let importer = secret_imports::importers_from_outside(conn, &env.id, None)?
        .into_iter()
        .next()
        .map(|i| format!("folder '{}' in environment '{}'", i.path, i.environment));
    Ok((tokens, importer))
}

/// What deleting environment `slug` would remove and what blocks it, for the confirmation page.
pub async fn deletion(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    slug: &str,
) -> AppResult<EnvDeletion> {
    session.decide(Some(project_id), Action::ConfigureProject)?;
    let (id, slug_owned) = (project_id.to_owned(), slug.to_owned());
    store
        .read(move |conn| {
            let env = environment(conn, &id, &slug_owned)?;
            let (tokens, imported_by) = blockers(conn, &id, &env)?;
            Ok(EnvDeletion {
                secrets: secrets::count_in_subtree(conn, &env.id, "/")?,
                folders: folders::descendants(conn, &env.id, "/")?.len(),
                environment: view(&env),
                tokens,
                imported_by,
            })
        })
        .await
}

/// Deletes the environment with its secrets and folders. `if_empty`: the caller confirmed the
/// delete of an environment it saw empty (the UI asks for the typed name only when it holds
/// secrets), so secrets added since refuse it (409) inside the deleting transaction rather than
/// going unconfirmed.
pub async fn delete(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    slug: &str,
    if_empty: bool,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ConfigureProject)?;
    let (id, slug_owned) = (project_id.to_owned(), slug.to_owned());
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            let env = environment(tx, &id, &slug_owned)?;
            if if_empty && secrets::count_in_subtree(tx, &env.id, "/")? > 0 {
                return Err(AppError::Conflict(format!(
                    "Environment '{}' holds secrets added since this page was shown; type its name to delete it",
                    env.slug
                )));
            }
            let (tokens, importer) = blockers(tx, &id, &env)?;
            if !tokens.is_empty() {
                return Err(AppError::Conflict(format!(
                    "Environment '{}' is named by the scope of a live service token; revoke those tokens first",
                    env.slug
                )));
            }
            if let Some(importer) = importer {
                return Err(AppError::Conflict(format!(
                    "Environment '{}' is imported by {importer}; remove that import first",
                    env.slug
                )));
            }
            projects::delete_environment(tx, &env.id)?;
            let (changed, removed) = memberships::forget_environment(tx, &id, &env.slug)?;
            actor.record(
                tx,
                now_millis(),
                "environment.delete",
                Some(&id),
                serde_json::json!({ "slug": env.slug, "removedMembers": &removed }),
            )?;
            let mut touched = Touched::environment(&id, &env.slug);
            touched.memberships.extend(changed.into_iter().chain(removed));
            Ok(((), touched))
        })
        .await
}

/// Which way an environment moves among the project's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the first tab.
    Up,
    Down,
}

/// Moves an environment one place up (towards the first tab) or down, in one transaction.
/// Positions are renumbered 0..n on the way, so earlier deletes or equal positions never leave
/// two environments fighting over one place. Moving the first up or the last down does nothing.
pub async fn move_one(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    slug: &str,
    direction: Direction,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ConfigureProject)?;
    let (id, slug_owned) = (project_id.to_owned(), slug.to_owned());
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            let moved = environment(tx, &id, &slug_owned)?;
            let mut envs = projects::environments(tx, &id)?;
            let Some(at) = envs.iter().position(|e| e.id == moved.id) else {
                return Ok(((), Touched::nothing()));
            };
            let to = match direction {
                Direction::Up => at.checked_sub(1),
                Direction::Down => Some(at + 1).filter(|&i| i < envs.len()),
            };
            let Some(to) = to else {
                return Ok(((), Touched::nothing()));
            };
            envs.swap(at, to);
            for (position, env) in envs.iter().enumerate() {
                if env.position != position as i64 {
                    projects::set_environment_position(tx, &env.id, position as i64)?;
                }
            }
            actor.record(
                tx,
                now_millis(),
                "environment.update",
                Some(&id),
                serde_json::json!({ "slug": slug_owned, "position": to }),
            )?;
            Ok(((), Touched::nothing()))
        })
        .await
}
