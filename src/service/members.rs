//! A project's members (DESIGN §9): list, add (an existing user, by e-mail), change role and
//! environments, remove. Project admins, admins and owners manage them. A membership names the
//! environments it reaches, or none for all (including ones created later); the listed slugs
//! must exist in the project when they are set.

use super::{project_not_found, require_project, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::db::memberships::{self, MemberRow};
use crate::db::{projects, users};
use crate::domain::{Environments, Membership, ProjectRole};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{Store, Touched};
use crate::time::now_millis;
use rusqlite::Connection;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub role: &'static str,
    /// `null` = every environment.
    pub environments: Option<Vec<String>>,
}

pub fn view(row: &MemberRow) -> MemberView {
    MemberView {
        user_id: row.user_id.clone(),
        email: row.email.clone(),
        role: row.membership.role.as_str(),
        environments: row.membership.environments.to_list(),
    }
}

/// What a PATCH asks to change: `environments: Some(All)` is an explicit `null`.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub role: Option<ProjectRole>,
    pub environments: Option<Environments>,
}

pub async fn list(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
) -> AppResult<Vec<MemberView>> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let id = project_id.to_owned();
    let rows = store
        .read(move |conn| {
            require_project(conn, &id)?;
            memberships::of_project(conn, &id)
        })
        .await
        .map_err(project_not_found(project_id))?;
    Ok(rows.iter().map(view).collect())
}

/// 422 naming each listed environment the project lacks.
fn check_environments(conn: &Connection, project_id: &str, envs: &Environments) -> AppResult<()> {
    let Some(list) = envs.to_list() else {
        return Ok(());
    };
    let mut unknown = Vec::new();
    for (i, slug) in list.iter().enumerate() {
        if projects::find_environment(conn, project_id, slug)?.is_none() {
            unknown.push(FieldError::new(
                format!("environments[{i}]"),
                format!("environment '{slug}' does not exist in this project"),
            ));
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(unknown))
    }
}

fn detail(row: &MemberRow) -> serde_json::Value {
    serde_json::json!({ "userId": row.user_id, "email": row.email, "role": row.membership.role.as_str(), "environments": row.membership.environments.to_list() })
}

pub async fn add(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    email: String,
    membership: Membership,
) -> AppResult<MemberView> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, actor) = (project_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            require_project(tx, &project).map_err(project_not_found(&project))?;
            let Some(user) = users::find_by_email(tx, &email)? else {
                return Err(AppError::validation(
                    "email",
                    format!("no user has the e-mail {email}; invite them first"),
                ));
            };
            if memberships::find(tx, &project, &user.id)?.is_some() {
                return Err(AppError::Conflict(format!(
                    "{} is already a member of this project; change their role instead",
                    user.email
                )));
            }
            check_environments(tx, &project, &membership.environments)?;
            memberships::upsert(tx, &project, &user.id, &membership, now_millis())?;
            let row = MemberRow {
                user_id: user.id.clone(),
                email: user.email,
                membership,
            };
            actor.record(tx, now_millis(), "member.add", Some(&project), detail(&row))?;
            Ok((view(&row), Touched::membership(&user.id)))
        })
        .await
}

fn member_not_found(user_id: &str) -> AppError {
    AppError::NotFound(format!(
        "User '{}' is not a member of this project",
        crate::domain::names::truncate_for_message(user_id)
    ))
}

pub async fn update(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    user_id: &str,
    change: Change,
) -> AppResult<MemberView> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, id, actor) = (
        project_id.to_owned(),
        user_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            require_project(tx, &project).map_err(project_not_found(&project))?;
            let current =
                memberships::find(tx, &project, &id)?.ok_or_else(|| member_not_found(&id))?;
            let role = change.role.unwrap_or(current.role);
            // Becoming a project admin drops the list (an admin reaches every environment).
            let environments = match (change.environments, role) {
                (Some(envs), _) => envs,
                (None, ProjectRole::Admin) => Environments::All,
                (None, _) => current.environments,
            };
            let membership = Membership::new(role, environments)
                .map_err(|e| AppError::validation("environments", e.0))?;
            check_environments(tx, &project, &membership.environments)?;
            memberships::upsert(tx, &project, &id, &membership, now_millis())?;
            let email = users::find(tx, &id)?.map(|u| u.email).unwrap_or_default();
            let row = MemberRow {
                user_id: id.clone(),
                email,
                membership,
            };
            actor.record(
                tx,
                now_millis(),
                "member.update",
                Some(&project),
                detail(&row),
            )?;
            Ok((view(&row), Touched::membership(&id)))
        })
        .await
}

pub async fn remove(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    user_id: &str,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, id, actor) = (
        project_id.to_owned(),
        user_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            require_project(tx, &project).map_err(project_not_found(&project))?;
            if !memberships::delete(tx, &project, &id)? {
                return Err(member_not_found(&id));
            }
            let email = users::find(tx, &id)?.map(|u| u.email).unwrap_or_default();
            actor.record(
                tx,
                now_millis(),
                "member.remove",
                Some(&project),
                serde_json::json!({ "userId": id, "email": email }),
            )?;
            Ok(((), Touched::membership(&id)))
        })
        .await
}
