//! Admin sessions, stored by the SHA-256 of their id.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub csrf_token: String,
    pub expires_at: Millis,
}

pub fn insert(
    conn: &Connection,
    id_hash: &[u8],
    user_id: &str,
    csrf_token: &str,
    now: Millis,
    expires_at: Millis,
) -> DbResult<()> {
    conn.execute(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        params![id_hash, user_id, csrf_token, now, expires_at],
    )?;
    Ok(())
}

/// The live session with this id hash, if any; a disabled user's sessions are never live. The equality lookup on a SHA-256 digest leaks
/// nothing useful: an attacker cannot choose digests.
pub fn find_live(conn: &Connection, id_hash: &[u8], now: Millis) -> DbResult<Option<SessionRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.user_id, u.email, u.role, s.csrf_token, s.expires_at
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
            })
        })
        .optional()?)
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
