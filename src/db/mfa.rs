//! TOTP secrets (sealed; the Store seals and opens them) and recovery codes (SHA-256 digests).

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct TotpRow {
    pub sealed_secret: Vec<u8>,
    pub confirmed_at: Option<Millis>,
    pub pending_expires_at: Option<Millis>,
    pub last_step: Option<i64>,
}

pub fn totp(conn: &Connection, user_id: &str) -> DbResult<Option<TotpRow>> {
    Ok(conn
        .query_row(
            "SELECT sealed_secret, confirmed_at, pending_expires_at, last_step
             FROM user_totp WHERE user_id = ?1",
            [user_id],
            |r| {
                Ok(TotpRow {
                    sealed_secret: r.get(0)?,
                    confirmed_at: r.get(1)?,
                    pending_expires_at: r.get(2)?,
                    last_step: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Starts (or restarts) an enrolment: a pending secret until `expires_at`.
pub fn put_pending(
    conn: &Connection,
    user_id: &str,
    sealed_secret: &[u8],
    now: Millis,
    expires_at: Millis,
) -> DbResult<()> {
    conn.execute(
        "INSERT INTO user_totp (user_id, sealed_secret, created_at, pending_expires_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,
           created_at = excluded.created_at, confirmed_at = NULL,
           pending_expires_at = excluded.pending_expires_at, last_step = NULL",
        params![user_id, sealed_secret, now, expires_at],
    )?;
    Ok(())
}

pub fn confirm(conn: &Connection, user_id: &str, now: Millis, step: i64) -> DbResult<()> {
    conn.execute(
        "UPDATE user_totp SET confirmed_at = ?2, pending_expires_at = NULL, last_step = ?3
         WHERE user_id = ?1",
        params![user_id, now, step],
    )?;
    Ok(())
}

/// Records the step just accepted, only if it is newer than the stored one; false means another
/// request used this step (or a later one) first.
pub fn use_step(conn: &Connection, user_id: &str, step: i64) -> DbResult<bool> {
    Ok(conn.execute(
        "UPDATE user_totp SET last_step = ?2
         WHERE user_id = ?1 AND (last_step IS NULL OR last_step < ?2)",
        params![user_id, step],
    )? == 1)
}

/// Removes the TOTP secret and every recovery code: the user no longer has MFA.
pub fn remove(conn: &Connection, user_id: &str) -> DbResult<bool> {
    let removed = conn.execute("DELETE FROM user_totp WHERE user_id = ?1", [user_id])?;
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    Ok(removed > 0)
}

/// Replaces the user's recovery codes with these digests.
pub fn replace_recovery_codes(
    conn: &Connection,
    user_id: &str,
    digests: &[[u8; 32]],
    now: Millis,
) -> DbResult<()> {
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)",
    )?;
    for digest in digests {
        stmt.execute(params![user_id, digest.as_slice(), now])?;
    }
    Ok(())
}

/// Spends the unused recovery code with this digest; false if there is none. An equality
/// lookup on a SHA-256 digest leaks nothing useful.
pub fn use_recovery_code(
    conn: &Connection,
    user_id: &str,
    digest: &[u8],
    now: Millis,
) -> DbResult<bool> {
    Ok(conn.execute(
        "UPDATE recovery_codes SET used_at = ?3
         WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        params![user_id, digest, now],
    )? == 1)
}

pub fn recovery_codes_left(conn: &Connection, user_id: &str) -> DbResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
        [user_id],
        |r| r.get(0),
    )?)
}

/// Whether the instance requires MFA of everyone (the owner's setting; the config flag can
/// only add to it).
pub const REQUIRE_MFA_KEY: &str = "require_mfa";
