//! Projects: create (with fresh keys, the three default environments and their root folders),
//! list, get, delete.

use super::views::ProjectView;
use super::{project_not_found, Actor};
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::projects::{self, Environment, Project};
use crate::db::{folders, DbError, DbResult};
use crate::domain::{EnvSlug, Name};
use crate::error::AppResult;
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};
use rusqlite::Connection;

pub const DEFAULT_ENVIRONMENTS: [(&str, &str); 3] = [
    ("Development", "dev"),
    ("Staging", "staging"),
    ("Production", "prod"),
];

/// How long a new project keeps history (`historyDays`), and the bounds a PATCH may set.
pub const DEFAULT_HISTORY_DAYS: i64 = 90;
pub const MAX_HISTORY_DAYS: i64 = 3_650;

pub fn view(project: &Project, environments: &[Environment]) -> ProjectView {
    ProjectView {
        id: project.id.clone(),
        name: project.name.clone(),
        slug: project.slug.clone(),
        created_at: rfc3339(project.created_at),
        history_days: project.history_days,
        environments: environments.iter().map(super::environments::view).collect(),
    }
}

fn load_view(conn: &Connection, project: &Project) -> DbResult<ProjectView> {
    Ok(view(project, &projects::environments(conn, &project.id)?))
}

/// Inserts an environment and its root folder.
pub(crate) fn insert_environment(
    conn: &Connection,
    project_id: &str,
    name: &str,
    slug: &str,
    position: i64,
) -> DbResult<Environment> {
    let env = Environment {
        id: random::hex16(),
        project_id: project_id.to_owned(),
        name: name.to_owned(),
        slug: slug.to_owned(),
        position,
    };
    projects::insert_environment(conn, &env)?;
    folders::insert_if_missing(
        conn,
        &random::hex16(),
        project_id,
        &env.id,
        "/",
        now_millis(),
    )?;
    Ok(env)
}

pub async fn create(store: &Store, session: &AdminSession, name: Name) -> AppResult<ProjectView> {
    let id = random::hex16();
    let sealed = store.new_project_keys(&id);
    let actor = Actor::admin(session);
    let view = store
        .write(move |tx| {
            let base = EnvSlug::slugify(name.as_str());
            let mut slug = base.clone();
            while projects::slug_taken(tx, &slug)? {
                slug = format!("{base}-{}", &random::hex16()[..6]);
            }
            let project = Project {
                id,
                name: name.as_str().to_owned(),
                slug,
                created_at: now_millis(),
                history_days: DEFAULT_HISTORY_DAYS,
            };
            projects::insert(tx, &project, &sealed)?;
            for (position, (env_name, env_slug)) in DEFAULT_ENVIRONMENTS.iter().enumerate() {
                insert_environment(tx, &project.id, env_name, env_slug, position as i64)?;
            }
            actor.record(
                tx,
                project.created_at,
                "project.create",
                Some(&project.id),
                serde_json::json!({ "name": project.name }),
            )?;
            // A new id; the project touch also drops keys a failed earlier try may have left.
            let touched = Touched::project(&project.id);
            Ok::<_, DbError>((load_view(tx, &project)?, touched))
        })
        .await?;
    Ok(view)
}

pub async fn list(store: &Store) -> AppResult<Vec<ProjectView>> {
    Ok(store
        .read(|conn| {
            projects::list(conn)?
                .iter()
                .map(|p| load_view(conn, p))
                .collect()
        })
        .await?)
}

pub async fn get(store: &Store, project_id: &str) -> AppResult<ProjectView> {
    let id = project_id.to_owned();
    store
        .read(move |conn| match projects::find(conn, &id)? {
            Some(project) => load_view(conn, &project),
            None => Err(DbError::NotFound),
        })
        .await
        .map_err(project_not_found(project_id))
}

/// A new display name and/or retention; the slug stays as it is.
pub async fn update(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    name: Option<Name>,
    history_days: Option<i64>,
) -> AppResult<ProjectView> {
    let id = project_id.to_owned();
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            let Some(mut project) = projects::find(tx, &id)? else {
                return Err(DbError::NotFound);
            };
            if let Some(name) = &name {
                projects::rename(tx, &id, name.as_str())?;
                project.name = name.as_str().to_owned();
            }
            if let Some(days) = history_days {
                crate::db::history::set_history_days(tx, &id, days)?;
                project.history_days = days;
            }
            actor.record(
                tx,
                now_millis(),
                "project.update",
                Some(&id),
                serde_json::json!({ "name": project.name, "historyDays": project.history_days }),
            )?;
            Ok((load_view(tx, &project)?, Touched::project(&id)))
        })
        .await
        .map_err(project_not_found(project_id))
}

pub async fn delete(store: &Store, session: &AdminSession, project_id: &str) -> AppResult<()> {
    let id = project_id.to_owned();
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            if !projects::delete(tx, &id)? {
                return Err(DbError::NotFound);
            }
            actor.record(
                tx,
                now_millis(),
                "project.delete",
                Some(&id),
                serde_json::json!({}),
            )?;
            Ok(((), Touched::project(&id)))
        })
        .await
        .map_err(project_not_found(project_id))?;
    Ok(())
}
