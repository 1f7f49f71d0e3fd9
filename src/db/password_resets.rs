//! One-time password-reset links, stored by the SHA-256 of their code, and the pending second
//! step of a login with MFA (also by a digest): both single use and short-lived.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};

pub fn insert(
    conn: &Connection,
    code_hash: &[u8],
    user_id: &str,
    created_by: Option<&str>,
    now: Millis,
    expires_at: Millis,
) -> DbResult<()> {
    conn.execute(
        "INSERT INTO password_resets (code_hash, user_id, created_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![code_hash, user_id, created_by, now, expires_at],
    )?;
    Ok(())
}

/// The user a live (unused, unexpired) code resets, without spending it.
pub fn live_user(conn: &Connection, code_hash: &[u8], now: Millis) -> DbResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT user_id FROM password_resets
             WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            params![code_hash, now],
            |r| r.get(0),
        )
        .optional()?)
}

/// Spends a live code and returns its user; `None` if it was unknown, used or expired.
pub fn spend(conn: &Connection, code_hash: &[u8], now: Millis) -> DbResult<Option<String>> {
    let user = live_user(conn, code_hash, now)?;
    if user.is_some() {
        conn.execute(
            "UPDATE password_resets SET used_at = ?2 WHERE code_hash = ?1",
            params![code_hash, now],
        )?;
    }
    Ok(user)
}

pub fn delete_expired(conn: &Connection, now: Millis) -> DbResult<usize> {
    let resets = conn.execute("DELETE FROM password_resets WHERE expires_at <= ?1", [now])?;
    let steps = conn.execute("DELETE FROM login_steps WHERE expires_at <= ?1", [now])?;
    Ok(resets + steps)
}

/// A login step waiting for its code.
#[derive(Debug, Clone)]
pub struct LoginStep {
    pub user_id: String,
    pub attempts: i64,
    pub expires_at: Millis,
}

pub fn insert_step(
    conn: &Connection,
    id_hash: &[u8],
    step: &LoginStep,
    now: Millis,
) -> DbResult<()> {
    conn.execute(
        "INSERT INTO login_steps (id_hash, user_id, attempts, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id_hash, step.user_id, step.attempts, now, step.expires_at],
    )?;
    Ok(())
}

/// Takes (deletes and returns) a live step: each step token works once.
pub fn take_step(conn: &Connection, id_hash: &[u8], now: Millis) -> DbResult<Option<LoginStep>> {
    let step = conn
        .query_row(
            "SELECT user_id, attempts, expires_at FROM login_steps
             WHERE id_hash = ?1 AND expires_at > ?2",
            params![id_hash, now],
            |r| {
                Ok(LoginStep {
                    user_id: r.get(0)?,
                    attempts: r.get(1)?,
                    expires_at: r.get(2)?,
                })
            },
        )
        .optional()?;
    conn.execute("DELETE FROM login_steps WHERE id_hash = ?1", [id_hash])?;
    Ok(step)
}
