//! Passwords after setup: checking a logged-in person's own password (before anything that
//! changes their account), changing it, and one-time reset links made without mail.
//!
//! A reset code is 256 random bits, shown once in its link and stored as its SHA-256; it works
//! once, for 24 hours. Using it sets the password, ends every session of the user, and leaves
//! their MFA as it was (a reset link alone never gets past a second factor).

use super::sessions::end_all_in;
use super::Actor;
use crate::auth::policy::Action;
use crate::auth::service_token::blocked_or;
use crate::auth::throttle::FailureThrottle;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::users::{self, User};
use crate::db::{password_resets, DbError};
use crate::domain::{ClientAddr, Password};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Guards;
use crate::store::{Store, Touched};
use crate::time::{now_millis, Millis};
use rusqlite::Connection;

/// How long a reset link works.
pub const RESET_TTL_MS: Millis = 24 * 60 * 60 * 1000;
const RESET_GONE: &str = "This reset link is unknown, used or expired; ask an admin for a new one";

/// A refused field of an attempt that already counted as a failure when it reserved its place:
/// 422 naming the field, or 429 once the address is over its limit.
pub fn wrong_field(
    throttle: &FailureThrottle,
    ip: &ClientAddr,
    field: &str,
    why: &str,
) -> AppError {
    blocked_or(throttle, ip, AppError::validation(field, why))
}

/// Checks the logged-in person's own password (`field` names it in a refusal). Throttled like a
/// login: the attempt counts against the address until it turns out right, and wrong ones grow
/// the account's delay.
pub async fn verify_own_password(
    store: &Store,
    guards: &Guards<'_>,
    session: &AdminSession,
    field: &str,
    password: &str,
) -> AppResult<User> {
    let attempt = guards
        .throttle
        .reserve(&session.ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let delay = guards.account_delays.delay_for(&session.email);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let id = session.user_id.clone();
    let user = store
        .read(move |conn| users::find(conn, &id))
        .await?
        .ok_or_else(|| AppError::Unauthorized(String::from("The account no longer exists")))?;
    if !guards
        .hasher
        .verify(password, Some(user.password_hash.clone()))
        .await?
    {
        guards.account_delays.record_failure(&session.email);
        return Err(wrong_field(guards.throttle, &session.ip, field, "is wrong"));
    }
    guards.throttle.succeeded(attempt);
    guards.account_delays.reset(&session.email);
    Ok(user)
}

/// Changes the caller's password and ends their other sessions; returns how many ended.
pub async fn change(
    store: &Store,
    guards: &Guards<'_>,
    session: &AdminSession,
    current: &str,
    new: Password,
) -> AppResult<usize> {
    verify_own_password(store, guards, session, "currentPassword", current).await?;
    let hash = guards.hasher.hash(new.expose()).await?;
    let (user_id, keep, actor) = (
        session.user_id.clone(),
        session.id_hash,
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            users::set_password_hash(tx, &user_id, &hash)?;
            let touched = end_all_in(tx, &user_id, Some(&keep))?;
            let ended = touched.sessions.len();
            let detail = serde_json::json!({ "sessionsEnded": ended });
            actor.record(tx, now_millis(), "user.password_changed", None, detail)?;
            Ok::<_, DbError>((ended, touched))
        })
        .await
        .map_err(AppError::from)
}

/// A fresh reset code for `user_id`, stored (as its digest) in the caller's transaction and
/// audited as `actor`; the plain code is returned to be shown once.
pub fn create_reset_in(
    tx: &Connection,
    user_id: &str,
    actor: &Actor,
    now: Millis,
) -> Result<(String, Millis), DbError> {
    let code = random::hex32();
    let expires_at = now + RESET_TTL_MS;
    password_resets::insert(
        tx,
        &random::sha256(code.as_bytes()),
        user_id,
        actor.id.as_deref(),
        now,
        expires_at,
    )?;
    let detail =
        serde_json::json!({ "userId": user_id, "expiresAt": crate::time::rfc3339(expires_at) });
    actor.record(tx, now, "user.password_reset_created", None, detail)?;
    Ok((code, expires_at))
}

/// Is shorter or longer than any code issued; refused before anything is looked up.
fn malformed(code: &str) -> bool {
    code.len() != 64 || !code.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The e-mail of the account a live reset code is for, without spending the code (the page's
/// GET, which link previews also fetch). Unknown, used or expired → 410.
pub async fn peek_reset(store: &Store, code: &str) -> AppResult<String> {
    if malformed(code) {
        return Err(AppError::Gone(RESET_GONE.to_owned()));
    }
    let hash = random::sha256(code.to_ascii_lowercase().as_bytes());
    store
        .read(move |conn| {
            let Some(user_id) = password_resets::live_user(conn, &hash, now_millis())? else {
                return Ok(None);
            };
            Ok::<_, DbError>(users::find(conn, &user_id)?.map(|u| u.email))
        })
        .await?
        .ok_or_else(|| AppError::Gone(RESET_GONE.to_owned()))
}

/// Sets a new password with a reset code: the code is checked before anything is hashed (a
/// wrong one counts against the address), spent in the same transaction that sets the
/// password, and every session of the user ends.
pub async fn use_reset(
    store: &Store,
    guards: &Guards<'_>,
    code: &str,
    new: Password,
    ip: &ClientAddr,
) -> AppResult<()> {
    let attempt = guards
        .throttle
        .reserve(ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    if peek_reset(store, code).await.is_err() {
        return Err(blocked_or(
            guards.throttle,
            ip,
            AppError::Gone(RESET_GONE.to_owned()),
        ));
    }
    guards.throttle.succeeded(attempt);
    let hash = guards.hasher.hash(new.expose()).await?;
    let code_hash = random::sha256(code.to_ascii_lowercase().as_bytes());
    let ip = ip.clone();
    store
        .write(move |tx| {
            let now = now_millis();
            let Some(user_id) = password_resets::spend(tx, &code_hash, now)? else {
                return Err(AppError::Gone(RESET_GONE.to_owned()));
            };
            users::set_password_hash(tx, &user_id, &hash)?;
            let touched = end_all_in(tx, &user_id, None)?;
            let detail = serde_json::json!({ "sessionsEnded": touched.sessions.len() });
            Actor::user(&user_id, &ip).record(tx, now, "user.password_reset_used", None, detail)?;
            Ok(((), touched))
        })
        .await
}

/// Ends every session of `user_id` (an admin's action, or the offline command), audited.
pub fn end_sessions_in(tx: &Connection, user_id: &str, actor: &Actor) -> Result<Touched, DbError> {
    let touched = end_all_in(tx, user_id, None)?;
    let detail = serde_json::json!({ "userId": user_id, "sessionsEnded": touched.sessions.len() });
    actor.record(tx, now_millis(), "user.sessions_ended", None, detail)?;
    Ok(touched)
}

/// The target user, if the caller may manage them (the policy's `ManageUser`: owners and
/// admins, and only an owner on an owner); 404 for no such user, 403 when not allowed.
fn managed_user(tx: &Connection, session: &AdminSession, target_id: &str) -> AppResult<User> {
    let target = users::find(tx, target_id)?
        .ok_or_else(|| AppError::NotFound(format!("User '{target_id}' was not found")))?;
    session.decide(
        None,
        Action::ManageUser {
            target: target.role,
        },
    )?;
    Ok(target)
}

/// A one-time reset code for another user (owners and admins); the plain code and its expiry.
pub async fn create_reset(
    store: &Store,
    session: &AdminSession,
    target_id: &str,
) -> AppResult<(String, Millis)> {
    let (caller, target_id, actor) = (session.clone(), target_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let target = managed_user(tx, &caller, &target_id)?;
            let link = create_reset_in(tx, &target.id, &actor, now_millis())?;
            Ok((link, Touched::nothing()))
        })
        .await
}

/// Ends every session of another user (owners and admins).
pub async fn end_sessions_of(
    store: &Store,
    session: &AdminSession,
    target_id: &str,
) -> AppResult<()> {
    let (caller, target_id, actor) = (session.clone(), target_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let target = managed_user(tx, &caller, &target_id)?;
            Ok(((), end_sessions_in(tx, &target.id, &actor)?))
        })
        .await
}

/// The link a reset code is handed out in: under `ENVKEEP_PUBLIC_URL` when set, else relative
/// (never built from a request's `Host` header, which whoever sends the request chooses).
pub fn reset_url(public_url: Option<&str>, code: &str) -> String {
    let base = public_url.map(|u| u.trim_end_matches('/')).unwrap_or("");
    format!("{base}/reset/{code}")
}

/// Said beside a relative link.
pub const RELATIVE_LINK_NOTE: &str =
    "Set ENVKEEP_PUBLIC_URL to get a full link; open this path on the server's address";
