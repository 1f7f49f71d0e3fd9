//! Admin sessions, stored by the SHA-256 of their id. Each also has a random public id, the only
//! handle shown to people (to list and end sessions); the hash never leaves the server.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};

/// A session about to be stored.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id_hash: &'a [u8],
    pub public_id: &'a str,
    pub user_id: &'a str,
    pub csrf_token: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub now: Millis,
    pub expires_at: Millis,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub csrf_token: String,
    pub expires_at: Millis,
    pub public_id: String,
    pub last_seen_at: Millis,
    /// Whether the user has a confirmed TOTP secret.
    pub mfa_enrolled: bool,
    /// Whether the owner's setting requires MFA of everyone.
    pub mfa_required: bool,
}

/// One of a user's live sessions, as listed to them.
#[derive(Debug, Clone)]
pub struct SessionListing {
    pub id_hash: Vec<u8>,
    pub public_id: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub fn insert(conn: &Connection, new: &NewSession<'_>) -> DbResult<()> {
    conn.execute(
        "INSERT INTO sessions
           (id_hash, public_id, user_id, csrf_token, ip, user_agent, created_at, expires_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
        params![
            new.id_hash,
            new.public_id,
            new.user_id,
            new.csrf_token,
            new.ip,
            new.user_agent,
            new.now,
            new.expires_at
        ],
    )?;
    Ok(())
}

/// The live session with this id hash, if any; a disabled user's sessions are never live. The equality lookup on a SHA-256 digest leaks
/// nothing useful: an attacker cannot choose digests.
pub fn find_live(conn: &Connection, id_hash: &[u8], now: Millis) -> DbResult<Option<SessionRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.user_id, u.email, u.role, s.csrf_token, s.expires_at, s.public_id, s.last_seen_at,
                    EXISTS (SELECT 1 FROM user_totp t
                            WHERE t.user_id = s.user_id AND t.confirmed_at IS NOT NULL),
                    EXISTS (SELECT 1 FROM meta WHERE key = 'require_mfa' AND value = X'01')
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
        )?
        .query_row(params![id_hash, now], |r| {
            Ok(SessionRow {
                user_id: r.get(0)?,
                email: r.get(1)?,
                role: r.get(2)?,
                csrf_token: r.get(3)?,
                expires_at: r.get(4)?,
                public_id: r.get(5)?,
                last_seen_at: r.get(6)?,
                mfa_enrolled: r.get(7)?,
                mfa_required: r.get(8)?,
            })
        })
        .optional()?)
}

/// A user's live sessions, newest first.
pub fn list_live(conn: &Connection, user_id: &str, now: Millis) -> DbResult<Vec<SessionListing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id_hash, public_id, created_at, last_seen_at, ip, user_agent FROM sessions
         WHERE user_id = ?1 AND expires_at > ?2 ORDER BY created_at DESC, public_id",
    )?;
    let rows = stmt.query_map(params![user_id, now], |r| {
        Ok(SessionListing {
            id_hash: r.get(0)?,
            public_id: r.get(1)?,
            created_at: r.get(2)?,
            last_seen_at: r.get(3)?,
            ip: r.get(4)?,
            user_agent: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The id hash of the user's session with this public id, if it is theirs.
pub fn hash_of(conn: &Connection, user_id: &str, public_id: &str) -> DbResult<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT id_hash FROM sessions WHERE user_id = ?1 AND public_id = ?2",
            params![user_id, public_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The id hashes of every session of the user (for eviction), then deletes them all but `keep`.
pub fn delete_for_user_except(
    conn: &Connection,
    user_id: &str,
    keep: Option<&[u8]>,
) -> DbResult<Vec<[u8; 32]>> {
    let mut stmt = conn.prepare("SELECT id_hash FROM sessions WHERE user_id = ?1")?;
    let hashes: Vec<Vec<u8>> = stmt
        .query_map([user_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut ended = Vec::new();
    for hash in hashes {
        if Some(hash.as_slice()) == keep {
            continue;
        }
        conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [&hash])?;
        if let Ok(array) = <[u8; 32]>::try_from(hash.as_slice()) {
            ended.push(array);
        }
    }
    Ok(ended)
}

/// Writes buffered last-seen times (a newer stored value wins).
pub fn record_last_seen(conn: &Connection, seen: &[([u8; 32], Millis)]) -> DbResult<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE sessions SET last_seen_at = max(last_seen_at, ?2) WHERE id_hash = ?1",
    )?;
    for (hash, at) in seen {
        stmt.execute(params![hash.as_slice(), at])?;
    }
    Ok(())
}

pub fn delete(conn: &Connection, id_hash: &[u8]) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])? > 0)
}

/// Ends every session of a user (disabled or removed); returns their id hashes.
pub fn delete_for_user(conn: &Connection, user_id: &str) -> DbResult<Vec<[u8; 32]>> {
    let mut stmt = conn.prepare("DELETE FROM sessions WHERE user_id = ?1 RETURNING id_hash")?;
    let rows = stmt.query_map([user_id], |r| r.get::<_, Vec<u8>>(0))?;
    let mut ended = Vec::new();
    for row in rows {
        if let Ok(hash) = <[u8; 32]>::try_from(row?.as_slice()) {
            ended.push(hash);
        }
    }
    Ok(ended)
}

pub fn delete_expired(conn: &Connection, now: Millis) -> DbResult<usize> {
    Ok(conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?)
}
