//! User accounts. The role column holds an instance role (`owner`, `admin`, `member`); a value
//! that does not decode is a corrupt row and its user cannot log in or act.

use super::{DbError, DbResult};
use crate::domain::InstanceRole;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: InstanceRole,
    pub disabled: bool,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

const COLUMNS: &str = "id, email, password_hash, role, disabled, created_at, last_login_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(User, String)> {
    let role: String = r.get(3)?;
    Ok((
        User {
            id: r.get(0)?,
            email: r.get(1)?,
            password_hash: r.get(2)?,
            role: InstanceRole::Member,
            disabled: r.get(4)?,
            created_at: r.get(5)?,
            last_login_at: r.get(6)?,
        },
        role,
    ))
}

/// Decodes the role column; an unknown role fails closed.
pub fn decode_role(user_id: &str, role: &str) -> DbResult<InstanceRole> {
    InstanceRole::parse(role).map_err(|_| {
        tracing::error!(
            user_id,
            "a stored user role does not decode; the user is refused"
        );
        DbError::Corrupt(format!("user {user_id}: role does not decode"))
    })
}

fn decode((mut user, role): (User, String)) -> DbResult<User> {
    user.role = decode_role(&user.id, &role)?;
    Ok(user)
}

pub fn count(conn: &Connection) -> DbResult<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// Owners who may still act (not disabled): the last one may not be demoted, disabled or removed.
pub fn count_active_owners(conn: &Connection) -> DbResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'owner' AND disabled = 0",
        [],
        |r| r.get(0),
    )?)
}

pub fn insert(conn: &Connection, user: &User) -> DbResult<()> {
    conn.execute(
        "INSERT INTO users (id, email, password_hash, role, disabled, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user.id,
            user.email,
            user.password_hash,
            user.role.as_str(),
            user.disabled,
            user.created_at
        ],
    )?;
    Ok(())
}

fn find_where(conn: &Connection, clause: &str, value: &str) -> DbResult<Option<User>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE {clause} = ?1"),
        [value],
        from_row,
    )
    .optional()?
    .map(decode)
    .transpose()
}

pub fn find_by_email(conn: &Connection, email: &str) -> DbResult<Option<User>> {
    find_where(conn, "email", email)
}

pub fn find(conn: &Connection, id: &str) -> DbResult<Option<User>> {
    find_where(conn, "id", id)
}

/// Every user, oldest first.
pub fn list(conn: &Connection) -> DbResult<Vec<User>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM users ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    rows.map(|r| decode(r?)).collect()
}

pub fn set_role(conn: &Connection, id: &str, role: InstanceRole) -> DbResult<()> {
    conn.execute(
        "UPDATE users SET role = ?2 WHERE id = ?1",
        params![id, role.as_str()],
    )?;
    Ok(())
}

pub fn set_disabled(conn: &Connection, id: &str, disabled: bool) -> DbResult<()> {
    conn.execute(
        "UPDATE users SET disabled = ?2 WHERE id = ?1",
        params![id, disabled],
    )?;
    Ok(())
}

pub fn set_last_login(conn: &Connection, id: &str, at: Millis) -> DbResult<()> {
    conn.execute(
        "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

/// Deletes the user; their sessions and memberships go with them (foreign keys), their
/// service tokens stay.
pub fn delete(conn: &Connection, id: &str) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM users WHERE id = ?1", [id])? > 0)
}
