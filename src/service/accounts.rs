//! Admin accounts: first-run setup, unattended bootstrap, login and logout.
//!
//! Setup and login are the unauthenticated paths that hash a password, the one costly thing an
//! outsider can make the server do: each reserves its place under the address's failure limit
//! before its code or password is checked, and nothing is hashed for an attempt over it.

use super::Actor;
use crate::auth::password::PasswordHasher;
use crate::auth::service_token::counted_failure;
use crate::auth::setup::SetupCode;
use crate::auth::throttle::{AccountDelays, FailureThrottle};
use crate::crypto::random;
use crate::db::users::{self, User};
use crate::db::{sessions, DbError};
use crate::domain::{ClientAddr, Email, InstanceRole, Password};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::now_millis;
use std::time::Duration;

/// The auth pieces setup and login use beside the Store.
pub struct Guards<'a> {
    pub throttle: &'a FailureThrottle,
    pub account_delays: &'a AccountDelays,
    pub hasher: &'a PasswordHasher,
    pub setup: &'a SetupCode,
    pub session_ttl: Duration,
}

/// A new session: the raw id goes to the client once; only its hash is stored.
pub struct LoginResult {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: i64,
    pub user_id: String,
}

pub(crate) fn new_user(email: &Email, password_hash: String, role: InstanceRole) -> User {
    User {
        id: random::hex16(),
        email: email.as_str().to_owned(),
        password_hash,
        role,
        disabled: false,
        created_at: now_millis(),
        last_login_at: None,
    }
}

/// Inserts the first owner if, and only if, no user exists yet (checked inside the write).
fn insert_first_user(
    store: &Store,
    user: &User,
    actor: &Actor,
    action: &'static str,
) -> Result<bool, DbError> {
    store.write_blocking(|tx| {
        if users::count(tx)? > 0 {
            return Ok((false, Touched::nothing()));
        }
        users::insert(tx, user)?;
        actor.record(
            tx,
            user.created_at,
            action,
            None,
            serde_json::json!({ "email": user.email }),
        )?;
        Ok((true, Touched::user(&user.id)))
    })
}

/// `ENVKEEP_ADMIN_EMAIL`/`ENVKEEP_ADMIN_PASSWORD`: create that admin at start when no user exists.
pub async fn bootstrap_admin(
    store: &Store,
    hasher: &PasswordHasher,
    email: &Email,
    password: &Password,
) -> Result<bool, String> {
    let hash = hasher
        .hash(password.expose())
        .await
        .map_err(|e| e.to_string())?;
    let (store, user) = (store.clone(), new_user(email, hash, InstanceRole::Owner));
    tokio::task::spawn_blocking(move || {
        insert_first_user(&store, &user, &Actor::system(), "user.bootstrap")
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())
}

pub fn user_count_blocking(store: &Store) -> Result<i64, String> {
    store
        .read_blocking(|conn| users::count(conn))
        .map_err(|e| e.to_string())
}

/// Creates the first admin with the setup code logged at start; closed once a user exists.
pub async fn setup(
    store: &Store,
    guards: &Guards<'_>,
    code: &str,
    email: Email,
    password: Password,
    ip: &ClientAddr,
) -> AppResult<User> {
    if !guards.setup.is_open() {
        return Err(AppError::Conflict(String::from(
            "Setup is already complete; log in instead",
        )));
    }
    let attempt = guards
        .throttle
        .reserve(ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    if !guards.setup.matches(code) {
        return Err(counted_failure(
            guards.throttle,
            ip,
            "The setup code is wrong; it is in the server log ('setup code: …')",
        ));
    }
    guards.throttle.succeeded(attempt);
    let hash = guards.hasher.hash(password.expose()).await?;
    let user = new_user(&email, hash, InstanceRole::Owner);
    let writer = store.clone();
    let actor = Actor {
        kind: "setup",
        id: None,
        name: None,
        ip: Some(ip.clone()),
    };
    let (created, user) = tokio::task::spawn_blocking(move || {
        insert_first_user(&writer, &user, &actor, "user.setup").map(|created| (created, user))
    })
    .await
    .map_err(AppError::internal)??;
    guards.setup.close();
    if !created {
        return Err(AppError::Conflict(String::from(
            "Setup is already complete; log in instead",
        )));
    }
    Ok(user)
}

pub async fn login(
    store: &Store,
    guards: &Guards<'_>,
    email: &str,
    password: &str,
    ip: &ClientAddr,
) -> AppResult<LoginResult> {
    let attempt = guards
        .throttle
        .reserve(ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let delay = guards.account_delays.delay_for(email);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let lookup = email.trim().to_owned();
    let user = store
        .read(move |conn| users::find_by_email(conn, &lookup))
        .await?;
    let ok = guards
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    // A disabled account gets the very answer a wrong password gets, after the same hash.
    let Some(user) = user.filter(|u| ok && !u.disabled) else {
        guards.account_delays.record_failure(email);
        audit_login_failure(store, email, ip);
        return Err(counted_failure(
            guards.throttle,
            ip,
            "Wrong e-mail or password",
        ));
    };
    guards.throttle.succeeded(attempt);
    guards.account_delays.reset(email);
    let token = random::hex32();
    let csrf_token = random::hex32();
    let now = now_millis();
    let expires_at = now + guards.session_ttl.as_millis() as i64;
    let id_hash = random::sha256(token.as_bytes());
    let (user_id, csrf) = (user.id.clone(), csrf_token.clone());
    let actor = Actor {
        name: Some(user.email.clone()),
        ..Actor::user(&user.id, ip)
    };
    store
        .write(move |tx| {
            sessions::insert(tx, &id_hash, &user_id, &csrf, now, expires_at)?;
            users::set_last_login(tx, &user_id, now)?;
            actor.record(tx, now, "session.login", None, serde_json::json!({}))?;
            let touched = Touched {
                sessions: vec![id_hash],
                users: vec![user_id],
                ..Touched::nothing()
            };
            Ok::<_, DbError>(((), touched))
        })
        .await?;
    Ok(LoginResult {
        token,
        csrf_token,
        expires_at,
        user_id: user.id,
    })
}

/// Audits a failed login with the e-mail typed only when it is one: people type passwords into
/// the e-mail field, and the audit trail must not keep them.
fn audit_login_failure(store: &Store, email: &str, ip: &ClientAddr) {
    let typed = match Email::parse(email) {
        Ok(email) => email.as_str().to_owned(),
        Err(_) => format!("(not an e-mail, {} chars)", email.trim().chars().count()),
    };
    let event = crate::db::audit::AuditEvent {
        at: now_millis(),
        actor_kind: "anonymous",
        actor_id: None,
        action: "session.login_failed",
        project_id: None,
        detail: serde_json::json!({ "email": typed }),
        ip: None,
    };
    store.audit_denial(event.from_client(ip));
}

pub async fn logout(
    store: &Store,
    id_hash: [u8; 32],
    user_id: &str,
    ip: &ClientAddr,
) -> AppResult<()> {
    let actor = Actor::user(user_id, ip);
    store
        .write(move |tx| {
            sessions::delete(tx, &id_hash)?;
            actor.record(
                tx,
                now_millis(),
                "session.logout",
                None,
                serde_json::json!({}),
            )?;
            Ok::<_, DbError>(((), Touched::session(id_hash)))
        })
        .await?;
    Ok(())
}
