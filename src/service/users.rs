//! The instance's users (DESIGN §9): list, change role or disable, remove. Owners and admins
//! manage users; only an owner touches an owner; the last active owner can be neither demoted,
//! disabled nor removed. Disabling or removing ends the user's sessions in the same transaction;
//! their service tokens stay unless the remover asks to revoke them.

use super::{not_found, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::db::tokens::{self, CreatedToken};
use crate::db::users::{self, User};
use crate::db::{sessions, DbError};
use crate::domain::InstanceRole;
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub disabled: bool,
    /// Whether the user has a second factor; MFA arrives with the accounts issue.
    pub mfa: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

pub fn view(user: &User) -> UserView {
    UserView {
        id: user.id.clone(),
        email: user.email.clone(),
        role: user.role.as_str(),
        disabled: user.disabled,
        mfa: false,
        created_at: rfc3339(user.created_at),
        last_login_at: user.last_login_at.map(rfc3339),
    }
}

/// What a PATCH asks to change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Change {
    pub role: Option<InstanceRole>,
    pub disabled: Option<bool>,
}

/// Whether removing a user also revokes the service tokens they created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TheirTokens {
    Keep,
    Revoke,
}

pub async fn list(store: &Store, session: &AdminSession) -> AppResult<Vec<UserView>> {
    session.decide(None, Action::ManageUsers)?;
    let found = store.read(|conn| users::list(conn)).await?;
    Ok(found.iter().map(view).collect())
}

/// One user and the tokens they created (for the remove page's checkbox list).
pub async fn get_with_tokens(
    store: &Store,
    session: &AdminSession,
    user_id: &str,
) -> AppResult<(UserView, Vec<CreatedToken>)> {
    session.decide(None, Action::ManageUsers)?;
    let id = user_id.to_owned();
    let (user, created) = store
        .read(move |conn| -> Result<_, DbError> {
            let user = users::find(conn, &id)?.ok_or(DbError::NotFound)?;
            Ok((user, tokens::created_by_user(conn, &id)?))
        })
        .await
        .map_err(user_not_found(user_id))?;
    Ok((view(&user), created))
}

fn user_not_found(user_id: &str) -> impl FnOnce(DbError) -> AppError {
    not_found(format!(
        "User '{}' was not found",
        crate::domain::names::truncate_for_message(user_id)
    ))
}

/// The target user, after the policy allowed the caller to touch someone of their role.
fn target(tx: &rusqlite::Connection, session: &AdminSession, user_id: &str) -> AppResult<User> {
    let user = users::find(tx, user_id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "User '{}' was not found",
            crate::domain::names::truncate_for_message(user_id)
        ))
    })?;
    session.decide(None, Action::ManageUser { target: user.role })?;
    Ok(user)
}

/// 409 unless another active owner remains once `user` stops being one.
fn keep_an_owner(tx: &rusqlite::Connection, user: &User, what: &str) -> AppResult<()> {
    if user.role == InstanceRole::Owner && !user.disabled && users::count_active_owners(tx)? <= 1 {
        return Err(AppError::Conflict(format!(
            "{} is the last owner and cannot be {what}; make another user an owner first",
            user.email
        )));
    }
    Ok(())
}

pub async fn update(
    store: &Store,
    session: &AdminSession,
    user_id: &str,
    change: Change,
) -> AppResult<UserView> {
    session.decide(None, Action::ManageUsers)?;
    if let Some(role) = change.role {
        session.decide(None, Action::ManageUser { target: role })?;
    }
    let (session, id, actor) = (session.clone(), user_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let mut user = target(tx, &session, &id)?;
            let demoted = change.role.is_some_and(|r| r != InstanceRole::Owner);
            if demoted {
                keep_an_owner(tx, &user, "demoted")?;
            }
            if change.disabled == Some(true) {
                keep_an_owner(tx, &user, "disabled")?;
            }
            let mut touched = Touched::user(&id);
            if let Some(role) = change.role {
                users::set_role(tx, &id, role)?;
                user.role = role;
            }
            if let Some(disabled) = change.disabled {
                users::set_disabled(tx, &id, disabled)?;
                user.disabled = disabled;
                if disabled {
                    touched.sessions = sessions::delete_for_user(tx, &id)?;
                }
            }
            actor.record(
                tx,
                now_millis(),
                "user.update",
                None,
                serde_json::json!({ "userId": id, "email": user.email, "role": user.role.as_str(), "disabled": user.disabled }),
            )?;
            Ok((view(&user), touched))
        })
        .await
}

pub async fn remove(
    store: &Store,
    session: &AdminSession,
    user_id: &str,
    their_tokens: TheirTokens,
) -> AppResult<()> {
    session.decide(None, Action::ManageUsers)?;
    let (session, id, actor) = (session.clone(), user_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let user = target(tx, &session, &id)?;
            keep_an_owner(tx, &user, "removed")?;
            let mut touched = Touched::user(&id);
            touched.sessions = sessions::delete_for_user(tx, &id)?;
            touched.memberships.push(id.clone());
            if their_tokens == TheirTokens::Revoke {
                touched.tokens = tokens::delete_created_by_user(tx, &id)?;
            }
            users::delete(tx, &id)?;
            actor.record(
                tx,
                now_millis(),
                "user.delete",
                None,
                serde_json::json!({ "userId": id, "email": user.email, "role": user.role.as_str(), "revokedTokens": touched.tokens }),
            )?;
            Ok(((), touched))
        })
        .await
}
