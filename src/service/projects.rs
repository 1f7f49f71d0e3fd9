//! Projects: create (with fresh keys, the three default environments and their root folders),
//! list, get, rename, delete; and the checks a name form shows as you type (the slug a name
//! gives, whether a slug is taken, whether the caller already has a project of that name).

use super::views::ProjectView;
use super::{project_not_found, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::projects::{self, Environment, Project};
use crate::db::{folders, memberships, DbError, DbResult};
use crate::domain::{
    EnvSlug, Environments, InstanceRole, Membership, Name, ProjectRole, ProjectSlug,
};
use crate::error::{AppError, AppResult};
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

/// Creates a project; an instance member who creates one becomes its admin (DESIGN §9). A
/// chosen `slug` that is taken is a 409; without one the slug comes from the name, with a
/// random suffix if that is taken.
pub async fn create(
    store: &Store,
    session: &AdminSession,
    name: Name,
    slug: Option<ProjectSlug>,
) -> AppResult<ProjectView> {
    session.decide(None, Action::CreateProject)?;
    let creator = (session.role == InstanceRole::Member).then(|| session.user_id.clone());
    let id = random::hex16();
    let sealed = store.new_project_keys(&id);
    let actor = Actor::admin(session);
    let view = store
        .write(move |tx| {
            let slug = match slug {
                Some(chosen) if projects::slug_taken(tx, chosen.as_str())? => {
                    return Err(AppError::Conflict(format!(
                        "A project with slug '{}' already exists; choose another slug",
                        chosen.as_str()
                    )));
                }
                Some(chosen) => chosen.as_str().to_owned(),
                None => {
                    let base = EnvSlug::slugify(name.as_str());
                    let mut slug = base.clone();
                    while projects::slug_taken(tx, &slug)? {
                        slug = format!("{base}-{}", &random::hex16()[..6]);
                    }
                    slug
                }
            };
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
            let mut touched = Touched::project(&project.id);
            if let Some(user_id) = creator {
                let admin = Membership {
                    role: ProjectRole::Admin,
                    environments: Environments::All,
                };
                memberships::upsert(tx, &project.id, &user_id, &admin, project.created_at)?;
                touched.memberships.push(user_id);
            }
            Ok::<_, AppError>((load_view(tx, &project)?, touched))
        })
        .await?;
    Ok(view)
}

/// Whether the caller already sees another project named `name` (letter case and surrounding
/// spaces aside), `except` one (the project being renamed). Only projects the caller may see
/// count, so the answer says nothing about the others.
pub async fn same_name(
    store: &Store,
    session: &AdminSession,
    name: &str,
    except: Option<&str>,
) -> AppResult<bool> {
    let wanted = name.trim().to_lowercase();
    Ok(list(store, session)
        .await?
        .iter()
        .any(|p| Some(p.id.as_str()) != except && p.name.to_lowercase() == wanted))
}

/// Whether a project the caller may see already has `slug` (the live check on the create form).
/// Projects hidden from the caller are not consulted, so the check cannot be used to learn that
/// a project exists; a typed slug that a hidden project holds is refused only when the project
/// is created (409), as a unique slug must be.
pub async fn slug_taken(
    store: &Store,
    session: &AdminSession,
    slug: &ProjectSlug,
) -> AppResult<bool> {
    session.decide(None, Action::CreateProject)?;
    Ok(list(store, session)
        .await?
        .iter()
        .any(|p| p.slug == slug.as_str()))
}

/// The projects the caller may see.
pub async fn list(store: &Store, session: &AdminSession) -> AppResult<Vec<ProjectView>> {
    let session = session.clone();
    Ok(store
        .read(move |conn| {
            projects::list(conn)?
                .iter()
                .filter(|p| session.decide(Some(&p.id), Action::SeeProject).is_ok())
                .map(|p| load_view(conn, p))
                .collect()
        })
        .await?)
}

/// One project, if the caller may see it (else the same 404 as an unknown project).
pub async fn get(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
) -> AppResult<ProjectView> {
    session.decide(Some(project_id), Action::SeeProject)?;
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
    session.decide(Some(project_id), Action::ConfigureProject)?;
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
    session.decide(Some(project_id), Action::ConfigureProject)?;
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
