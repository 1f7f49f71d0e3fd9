//! A person's sessions: starting one (login), listing them, ending one or all of them. People
//! see a session by its random public id; the stored hash, the session id and its CSRF token
//! never appear in a listing.

use super::Actor;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::sessions::{self, NewSession};
use crate::db::DbError;
use crate::domain::ClientAddr;
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, Millis};
use rusqlite::Connection;
use serde::Serialize;
use std::time::Duration;

/// The longest user agent kept; the rest is cut.
pub const USER_AGENT_CHARS: usize = 256;

/// Where a login came from, kept with its session.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: ClientAddr,
    pub user_agent: Option<String>,
}

impl Client {
    /// `user_agent` as sent: control characters dropped, cut to [`USER_AGENT_CHARS`].
    pub fn new(ip: ClientAddr, user_agent: Option<&str>) -> Self {
        let user_agent = user_agent
            .map(|ua| {
                ua.chars()
                    .filter(|c| !c.is_control())
                    .take(USER_AGENT_CHARS)
                    .collect::<String>()
            })
            .filter(|ua| !ua.is_empty());
        Self { ip, user_agent }
    }
}

/// A new session: the raw id goes to the client once; only its hash is stored.
pub struct Started {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Millis,
    pub user_id: String,
}

/// Stores a new session for `user_id` and audits the login (with `detail`, e.g. how MFA was
/// satisfied).
pub async fn start(
    store: &Store,
    user_id: &str,
    client: &Client,
    ttl: Duration,
    detail: serde_json::Value,
) -> AppResult<Started> {
    let token = random::hex32();
    let csrf_token = random::hex32();
    let now = now_millis();
    let expires_at = now + ttl.as_millis() as i64;
    let id_hash = random::sha256(token.as_bytes());
    let (user, csrf, client) = (user_id.to_owned(), csrf_token.clone(), client.clone());
    store
        .write(move |tx| {
            // Removed or disabled while the password was checked: the usual 401, not a 500
            // from the foreign key (nor a session for a disabled user).
            if crate::db::users::find(tx, &user)?.is_none_or(|u| u.disabled) {
                return Err(AppError::Unauthorized(String::from(
                    "Wrong e-mail or password",
                )));
            }
            let ip = client.ip.describe();
            sessions::insert(
                tx,
                &NewSession {
                    id_hash: &id_hash,
                    public_id: &random::hex16(),
                    user_id: &user,
                    csrf_token: &csrf,
                    ip: Some(&ip),
                    user_agent: client.user_agent.as_deref(),
                    now,
                    expires_at,
                },
            )?;
            crate::db::users::set_last_login(tx, &user, now)?;
            let name = crate::db::users::find(tx, &user)?.map(|u| u.email);
            let actor = Actor {
                name,
                ..Actor::user(&user, &client.ip)
            };
            actor.record(tx, now, "session.login", None, detail)?;
            let touched = Touched {
                sessions: vec![id_hash],
                users: vec![user.clone()],
                ..Touched::nothing()
            };
            Ok::<_, AppError>(((), touched))
        })
        .await?;
    Ok(Started {
        token,
        csrf_token,
        expires_at,
        user_id: user_id.to_owned(),
    })
}

/// One session as its owner sees it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// The caller's live sessions, newest first, with last-seen times not yet written overlaid.
pub async fn list(store: &Store, session: &AdminSession) -> AppResult<Vec<SessionView>> {
    let user_id = session.user_id.clone();
    let rows = store
        .read(move |conn| sessions::list_live(conn, &user_id, now_millis()))
        .await?;
    let now = now_millis();
    Ok(rows
        .into_iter()
        .filter(|row| !store.session_is_idle(&row.id_hash, row.last_seen_at, now))
        .map(|row| {
            let seen = store.session_last_seen(&row.id_hash, row.last_seen_at);
            SessionView {
                current: row.id_hash == session.id_hash,
                id: row.public_id,
                created_at: crate::time::rfc3339(row.created_at),
                last_seen_at: crate::time::rfc3339(seen),
                ip: row.ip,
                user_agent: row.user_agent,
            }
        })
        .collect())
}

/// Ends one of the caller's sessions by its public id (the current one included); 404 if the
/// caller has no such session.
pub async fn end(store: &Store, session: &AdminSession, public_id: &str) -> AppResult<()> {
    let (user_id, public_id) = (session.user_id.clone(), public_id.to_owned());
    let actor = Actor::admin(session);
    store
        .write(move |tx| {
            let Some(hash) = sessions::hash_of(tx, &user_id, &public_id)? else {
                return Err(AppError::NotFound(String::from("No such session")));
            };
            sessions::delete(tx, &hash)?;
            let detail = serde_json::json!({ "session": public_id });
            actor.record(tx, now_millis(), "session.ended", None, detail)?;
            let ended = <[u8; 32]>::try_from(hash.as_slice()).ok();
            Ok((
                (),
                Touched {
                    sessions: ended.into_iter().collect(),
                    ..Touched::nothing()
                },
            ))
        })
        .await
}

/// Ends every session of `user_id` but `keep` inside the caller's transaction; returns what
/// to name in `Touched`.
pub fn end_all_in(tx: &Connection, user_id: &str, keep: Option<&[u8]>) -> Result<Touched, DbError> {
    let ended = sessions::delete_for_user_except(tx, user_id, keep)?;
    Ok(Touched {
        sessions: ended,
        users: vec![user_id.to_owned()],
        ..Touched::nothing()
    })
}
