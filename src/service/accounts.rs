//! Admin accounts: first-run setup, unattended bootstrap, login and logout.

use super::Actor;
use crate::auth::password;
use crate::auth::service_token::credential_failure;
use crate::crypto::random;
use crate::db::users::{self, User};
use crate::db::{sessions, Db, DbError};
use crate::domain::{Email, Password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::time::now_millis;
use std::net::IpAddr;

/// A new session: the raw id goes to the client once; only its hash is stored.
pub struct LoginResult {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: i64,
    pub user_id: String,
}

fn new_user(email: &Email, password_hash: String) -> User {
    User {
        id: random::hex16(),
        email: email.as_str().to_owned(),
        password_hash,
        role: String::from("admin"),
        created_at: now_millis(),
    }
}

/// Inserts the first admin if, and only if, no user exists yet (checked inside the write).
fn insert_first_user(
    db: &Db,
    user: &User,
    actor: &Actor,
    action: &'static str,
) -> Result<bool, DbError> {
    db.write_blocking(|tx| {
        if users::count(tx)? > 0 {
            return Ok(false);
        }
        users::insert(tx, user)?;
        actor.record(
            tx,
            user.created_at,
            action,
            None,
            serde_json::json!({ "email": user.email }),
        )?;
        Ok(true)
    })
}

/// `ENVKEEP_ADMIN_EMAIL`/`ENVKEEP_ADMIN_PASSWORD`: create that admin at start when no user exists.
pub fn bootstrap_admin_blocking(
    db: &Db,
    email: &Email,
    password: &Password,
) -> Result<bool, String> {
    let hash = password::hash_blocking(password.expose()).map_err(|e| e.to_string())?;
    insert_first_user(
        db,
        &new_user(email, hash),
        &Actor::system(),
        "user.bootstrap",
    )
    .map_err(|e| e.to_string())
}

pub fn user_count_blocking(db: &Db) -> Result<i64, String> {
    db.run_blocking(|conn| users::count(conn))
        .map_err(|e| e.to_string())
}

/// Creates the first admin with the setup code logged at start; closed once a user exists.
pub async fn setup(
    state: &AppState,
    code: &str,
    email: Email,
    password: Password,
    ip: IpAddr,
) -> AppResult<User> {
    if !state.setup_open() {
        return Err(AppError::Conflict(String::from(
            "Setup is already complete; log in instead",
        )));
    }
    if !state.setup_code_matches(code) {
        return Err(credential_failure(
            state,
            ip,
            "The setup code is wrong; it is in the server log ('setup code: …')",
        ));
    }
    let hash = state.hasher.hash(password.expose()).await?;
    let user = new_user(&email, hash);
    let db = state.db.clone();
    let (created, user) = tokio::task::spawn_blocking(move || {
        let actor = Actor {
            kind: "setup",
            id: None,
            ip: Some(ip.to_string()),
        };
        insert_first_user(&db, &user, &actor, "user.setup").map(|created| (created, user))
    })
    .await
    .map_err(AppError::internal)??;
    state.close_setup();
    if !created {
        return Err(AppError::Conflict(String::from(
            "Setup is already complete; log in instead",
        )));
    }
    Ok(user)
}

pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    ip: IpAddr,
) -> AppResult<LoginResult> {
    if let Some(retry_after_secs) = state.throttle.blocked_for(ip) {
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let delay = state.account_delays.delay_for(email);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let lookup = email.trim().to_owned();
    let user = state
        .db
        .run(move |conn| users::find_by_email(conn, &lookup))
        .await?;
    let ok = state
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    let Some(user) = user.filter(|_| ok) else {
        state.account_delays.record_failure(email);
        let failure = credential_failure(state, ip, "Wrong e-mail or password");
        audit_login_failure(state, email, ip);
        return Err(failure);
    };
    state.account_delays.reset(email);
    let token = random::hex32();
    let csrf_token = random::hex32();
    let now = now_millis();
    let expires_at = now + state.settings.session_ttl.as_millis() as i64;
    let id_hash = random::sha256(token.as_bytes());
    let (user_id, csrf) = (user.id.clone(), csrf_token.clone());
    let actor = Actor::user(&user.id, ip);
    state
        .db
        .write(move |tx| {
            sessions::insert(tx, &id_hash, &user_id, &csrf, now, expires_at)?;
            actor.record(tx, now, "session.login", None, serde_json::json!({}))
        })
        .await?;
    Ok(LoginResult {
        token,
        csrf_token,
        expires_at,
        user_id: user.id,
    })
}

fn audit_login_failure(state: &AppState, email: &str, ip: IpAddr) {
    state.denials.record(
        &state.db,
        crate::db::audit::AuditEvent {
            at: now_millis(),
            actor_kind: "anonymous",
            actor_id: None,
            action: "session.login_failed",
            project_id: None,
            detail: serde_json::json!({ "email": crate::domain::names::truncate_for_message(email) }),
            ip: Some(ip.to_string()),
        },
    );
}

pub async fn logout(
    state: &AppState,
    id_hash: [u8; 32],
    user_id: &str,
    ip: IpAddr,
) -> AppResult<()> {
    let actor = Actor::user(user_id, ip);
    state
        .db
        .write(move |tx| {
            sessions::delete(tx, &id_hash)?;
            actor.record(
                tx,
                now_millis(),
                "session.logout",
                None,
                serde_json::json!({}),
            )
        })
        .await?;
    Ok(())
}
