//! Environments of a project. Slugs are immutable; renaming changes the display name only.
//! Deleting an environment that a live token's scope names is refused (409).

use super::views::EnvironmentView;
use super::{environment, project_not_found, require_project, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::db::{memberships, projects, secret_imports, tokens, DbError};
use crate::domain::{EnvSlug, Name};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::now_millis;

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

pub async fn delete(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    slug: &str,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ConfigureProject)?;
    let (id, slug_owned) = (project_id.to_owned(), slug.to_owned());
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            let env = environment(tx, &id, &slug_owned)?;
            if tokens::environment_in_live_scope(tx, &id, &env.slug, now_millis())? {
                return Err(AppError::Conflict(format!(
                    "Environment '{}' is named by the scope of a live service token; revoke those tokens first",
                    env.slug
                )));
            }
            if let Some(importer) = secret_imports::importers_from_outside(tx, &env.id, None)?.first() {
                return Err(AppError::Conflict(format!(
                    "Environment '{}' is imported by folder '{}' in environment '{}'; remove that import first",
                    env.slug, importer.path, importer.environment
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
