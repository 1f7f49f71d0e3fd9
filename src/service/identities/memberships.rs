//! An identity's project memberships: attached by a project admin with a role and environments.

use super::{found, its_tokens};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::db::identities::{self as rows, MembershipRow};
use crate::db::DbError;
use crate::domain::IdentityRole;
use crate::error::{AppError, AppResult};
use crate::service::{environment, Actor};
use crate::store::Store;
use crate::time::{now_millis, rfc3339};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipView {
    pub identity_id: String,
    pub project_id: String,
    pub role: String,
    /// `null`: every environment.
    pub environments: Option<Vec<String>>,
    pub created_at: String,
}

fn membership_view(m: &MembershipRow) -> MembershipView {
    MembershipView {
        identity_id: m.identity_id.clone(),
        project_id: m.project_id.clone(),
        role: m.role.clone(),
        environments: m.environments.clone(),
        created_at: rfc3339(m.created_at),
    }
}

/// What a membership grants.
pub struct Grant {
    pub role: IdentityRole,
    pub environments: Option<Vec<String>>,
}

/// Attaches the identity to the project (or changes its grant there). `create` says whether
/// an existing membership is a conflict (POST) or the one to change (PATCH, 404 if none).
pub async fn set_membership(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    identity_id: &str,
    grant: Grant,
    create: Attach,
) -> AppResult<MembershipView> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, identity_id, actor) = (
        project_id.to_owned(),
        identity_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            crate::service::require_project(tx, &project).map_err(crate::service::project_not_found(&project))?;
            found(tx, &identity_id)?;
            if let Some(envs) = &grant.environments {
                if envs.is_empty() {
                    return Err(AppError::validation("environments", "must name at least one environment, or be left out for all"));
                }
                for slug in envs {
                    environment(tx, &project, slug).map_err(|_| {
                        AppError::validation("environments", format!("environment '{}' does not exist in this project", crate::domain::names::truncate_for_message(slug)))
                    })?;
                }
            }
            let exists = rows::membership_exists(tx, &identity_id, &project)?;
            match (create, exists) {
                (Attach::New, true) => return Err(AppError::Conflict(String::from("The identity is already a member of this project; PATCH its membership instead"))),
                (Attach::Existing, false) => return Err(AppError::NotFound(String::from("The identity is not a member of this project"))),
                _ => {}
            }
            let row = MembershipRow {
                identity_id: identity_id.clone(),
                project_id: project.clone(),
                role: grant.role.as_str().to_owned(),
                environments: grant.environments,
                created_at: now_millis(),
            };
            rows::upsert_membership(tx, &row)?;
            actor.record(tx, now_millis(), "identity.membership.set", Some(&project), json!({ "identity": identity_id, "role": row.role, "environments": row.environments }))?;
            let stored = rows::memberships_of(tx, &identity_id)?
                .into_iter()
                .find(|m| m.project_id == project)
                .ok_or_else(|| AppError::internal("a membership just written is gone"))?;
            Ok((membership_view(&stored), its_tokens(tx, &identity_id)?))
        })
        .await
}

/// Whether a membership write adds one or changes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    New,
    Existing,
}

pub async fn list_members(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
) -> AppResult<Vec<MembershipView>> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let project = project_id.to_owned();
    store
        .read(move |conn| -> AppResult<_> {
            crate::service::require_project(conn, &project)
                .map_err(crate::service::project_not_found(&project))?;
            Ok(rows::memberships_in(conn, &project)?
                .iter()
                .map(membership_view)
                .collect())
        })
        .await
}

pub async fn detach(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    identity_id: &str,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, identity_id, actor) = (
        project_id.to_owned(),
        identity_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            rows::delete_membership(tx, &identity_id, &project).map_err(|e| match e {
                DbError::NotFound => {
                    AppError::NotFound(String::from("The identity is not a member of this project"))
                }
                other => other.into(),
            })?;
            actor.record(
                tx,
                now_millis(),
                "identity.membership.delete",
                Some(&project),
                json!({ "identity": identity_id }),
            )?;
            Ok(((), its_tokens(tx, &identity_id)?))
        })
        .await
}
