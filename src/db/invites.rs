//! Invitations: only the SHA-256 of a code is stored. A code is usable while it is neither used,
//! revoked nor expired; every other case looks the same to whoever presents it.

use super::{DbError, DbResult};
use crate::domain::InstanceRole;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct Invite {
    pub id: String,
    pub email: String,
    pub role: InstanceRole,
    pub invited_by: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

const COLUMNS: &str = "id, email, role, invited_by, created_at, expires_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(Invite, String)> {
    Ok((
        Invite {
            id: r.get(0)?,
            email: r.get(1)?,
            role: InstanceRole::Member,
            invited_by: r.get(3)?,
            created_at: r.get(4)?,
            expires_at: r.get(5)?,
        },
        r.get(2)?,
    ))
}

fn decode((mut invite, role): (Invite, String)) -> DbResult<Invite> {
    invite.role = InstanceRole::parse(&role)
        .map_err(|_| DbError::Corrupt(format!("invite {}: role does not decode", invite.id)))?;
    Ok(invite)
}

pub fn insert(conn: &Connection, invite: &Invite, code_hash: &[u8]) -> DbResult<()> {
    conn.execute(
        "INSERT INTO invites (id, code_hash, email, role, invited_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            invite.id,
            code_hash,
            invite.email,
            invite.role.as_str(),
            invite.invited_by,
            invite.created_at,
            invite.expires_at
        ],
    )?;
    Ok(())
}

/// Invitations neither used nor revoked (expired ones included, so they can be revoked).
pub fn list_open(conn: &Connection) -> DbResult<Vec<Invite>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM invites WHERE used_at IS NULL AND revoked_at IS NULL
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    rows.map(|r| decode(r?)).collect()
}

/// The open invitation with this id, if any.
pub fn find_open(conn: &Connection, id: &str) -> DbResult<Option<Invite>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM invites WHERE id = ?1 AND used_at IS NULL AND revoked_at IS NULL"
        ),
        [id],
        from_row,
    )
    .optional()?
    .map(decode)
    .transpose()
}

/// The usable invitation whose code hashes to `code_hash`. The equality lookup on a SHA-256
/// digest of a 128-bit random code leaks nothing useful: nobody can choose digests.
pub fn find_usable(conn: &Connection, code_hash: &[u8], now: Millis) -> DbResult<Option<Invite>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM invites WHERE code_hash = ?1 AND used_at IS NULL
               AND revoked_at IS NULL AND expires_at > ?2"
        ),
        params![code_hash, now],
        from_row,
    )
    .optional()?
    .map(decode)
    .transpose()
}

pub fn mark_used(conn: &Connection, id: &str, now: Millis) -> DbResult<()> {
    conn.execute(
        "UPDATE invites SET used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

pub fn revoke(conn: &Connection, id: &str, now: Millis) -> DbResult<bool> {
    Ok(conn.execute(
        "UPDATE invites SET revoked_at = ?2 WHERE id = ?1 AND used_at IS NULL AND revoked_at IS NULL",
        params![id, now],
    )? > 0)
}
