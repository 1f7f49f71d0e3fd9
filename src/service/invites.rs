//! Invitations (no mail server needed): an owner or admin invites an e-mail with a role and
//! passes on the one-time link; whoever opens it sets a password and has an account.
//!
//! The code is 128 random bits, shown once in the link, stored only as its SHA-256, single use,
//! valid for 7 days, never logged. Accepting is an unauthenticated path that hashes a password,
//! so it reserves its place under the address's failure limit first and checks the code before
//! hashing anything; a bad code counts as a failure. Unknown, used, expired and revoked codes all
//! get the same 410.

use super::accounts::{new_user, Guards};
use super::Actor;
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::invites::{self, Invite};
use crate::db::{users, DbError};
use crate::domain::{ClientAddr, Email, InstanceRole, Password};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339, Millis};
use serde::Serialize;

/// How long an invitation may be used.
pub const VALID_FOR: Millis = 7 * 24 * 60 * 60 * 1000;

/// The one answer for every code that cannot be used.
pub const GONE: &str =
    "This invitation link is not valid: it was used, revoked, has expired or never existed; ask for a new invitation";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteView {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub expires_at: String,
    pub expired: bool,
}

pub fn view(invite: &Invite, now: Millis) -> InviteView {
    InviteView {
        id: invite.id.clone(),
        email: invite.email.clone(),
        role: invite.role.as_str(),
        expires_at: rfc3339(invite.expires_at),
        expired: invite.expires_at <= now,
    }
}

/// A new invitation and its link, shown once.
pub struct Issued {
    pub invite: InviteView,
    /// `<ENVKEEP_PUBLIC_URL>/invite/<code>`, or `/invite/<code>` without a public URL.
    pub url: String,
    /// Set when the link is relative: how to make it absolute.
    pub note: Option<&'static str>,
}

/// The link for `code`: built from the configured public URL, never from the request's `Host`
/// (a forged `Host` would make the server hand out links to someone else's site).
pub fn link(public_url: Option<&str>, code: &str) -> (String, Option<&'static str>) {
    match public_url {
        Some(base) => (format!("{}/invite/{code}", base.trim_end_matches('/')), None),
        None => (
            format!("/invite/{code}"),
            Some("Set ENVKEEP_PUBLIC_URL to get full invitation links; prefix this path with the address people use to reach Envkeep"),
        ),
    }
}

pub async fn create(
    store: &Store,
    session: &AdminSession,
    public_url: Option<&str>,
    email: Email,
    role: InstanceRole,
) -> AppResult<Issued> {
    session.decide(None, Action::ManageUsers)?;
    session.decide(None, Action::ManageUser { target: role })?;
    let code = random::hex32();
    let code_hash = random::sha256(code.as_bytes());
    let now = now_millis();
    let invite = Invite {
        id: random::hex16(),
        email: email.as_str().to_owned(),
        role,
        invited_by: Some(session.user_id.clone()),
        created_at: now,
        expires_at: now + VALID_FOR,
    };
    let (stored, actor) = (invite.clone(), Actor::admin(session));
    store
        .write(move |tx| {
            if users::find_by_email(tx, &stored.email)?.is_some() {
                return Err(AppError::Conflict(format!(
                    "{} already has an account",
                    stored.email
                )));
            }
            invites::insert(tx, &stored, &code_hash)?;
            actor.record(
                tx,
                now,
                "invite.create",
                None,
                serde_json::json!({ "inviteId": stored.id, "email": stored.email, "role": stored.role.as_str() }),
            )?;
            Ok(((), Touched::nothing()))
        })
        .await?;
    let (url, note) = link(public_url, &code);
    Ok(Issued {
        invite: view(&invite, now),
        url,
        note,
    })
}

/// Open invitations (neither used nor revoked; expired ones included, to be revoked).
pub async fn list(store: &Store, session: &AdminSession) -> AppResult<Vec<InviteView>> {
    session.decide(None, Action::ManageUsers)?;
    let found = store.read(|conn| invites::list_open(conn)).await?;
    let now = now_millis();
    Ok(found.iter().map(|i| view(i, now)).collect())
}

pub async fn revoke(store: &Store, session: &AdminSession, invite_id: &str) -> AppResult<()> {
    session.decide(None, Action::ManageUsers)?;
    let (session, id, actor) = (session.clone(), invite_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let invite = invites::find_open(tx, &id)?.ok_or_else(|| {
                AppError::NotFound(format!(
                    "Invitation '{}' was not found",
                    crate::domain::names::truncate_for_message(&id)
                ))
            })?;
            session.decide(
                None,
                Action::ManageUser {
                    target: invite.role,
                },
            )?;
            invites::revoke(tx, &id, now_millis())?;
            actor.record(
                tx,
                now_millis(),
                "invite.revoke",
                None,
                serde_json::json!({ "inviteId": id, "email": invite.email }),
            )?;
            Ok(((), Touched::nothing()))
        })
        .await
}

/// The usable invitation behind `code`, without using it (the invitation page shows its
/// e-mail; link previews fetch that page, so looking must not consume anything).
pub async fn peek(store: &Store, code: &str) -> AppResult<Option<InviteView>> {
    if code.len() > 64 {
        return Ok(None);
    }
    let code_hash = random::sha256(code.as_bytes());
    let now = now_millis();
    let found = store
        .read(move |conn| invites::find_usable(conn, &code_hash, now))
        .await?;
    Ok(found.map(|i| view(&i, now)))
}

/// Uses the invitation: creates its account with `password` and the invited role.
pub async fn accept(
    store: &Store,
    guards: &Guards<'_>,
    code: &str,
    password: Password,
    ip: &ClientAddr,
) -> AppResult<users::User> {
    let attempt = guards
        .throttle
        .reserve(ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    if peek(store, code).await?.is_none() {
        return Err(match guards.throttle.blocked_for(ip) {
            Some(retry_after_secs) => AppError::RateLimited { retry_after_secs },
            None => AppError::Gone(GONE.to_owned()),
        });
    }
    guards.throttle.succeeded(attempt);
    let hash = guards.hasher.hash(password.expose()).await?;
    let code_hash = random::sha256(code.as_bytes());
    let ip = ip.clone();
    store
        .write(move |tx| {
            let now = now_millis();
            // Checked again in the write: two tabs accepting at once make one account.
            let invite = invites::find_usable(tx, &code_hash, now)?
                .ok_or_else(|| AppError::Gone(GONE.to_owned()))?;
            if users::find_by_email(tx, &invite.email)?.is_some() {
                return Err(AppError::Conflict(format!(
                    "{} already has an account; log in instead",
                    invite.email
                )));
            }
            let email = Email::parse(&invite.email).map_err(|e| DbError::Corrupt(e.0))?;
            let user = new_user(&email, hash, invite.role);
            users::insert(tx, &user)?;
            invites::mark_used(tx, &invite.id, now)?;
            let actor = Actor {
                name: Some(user.email.clone()),
                ..Actor::user(&user.id, &ip)
            };
            actor.record(
                tx,
                now,
                "invite.accept",
                None,
                serde_json::json!({ "inviteId": invite.id, "userId": user.id, "email": user.email, "role": user.role.as_str() }),
            )?;
            Ok((user.clone(), Touched::user(&user.id)))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_comes_from_the_public_url_or_is_relative_with_a_note() {
        let (url, note) = link(Some("https://keep.example.com/"), "abc");
        assert_eq!(url, "https://keep.example.com/invite/abc");
        assert!(note.is_none());
        let (url, note) = link(None, "abc");
        assert_eq!(url, "/invite/abc");
        assert!(note.unwrap().contains("ENVKEEP_PUBLIC_URL"));
    }
}
