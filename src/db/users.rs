//! Admin accounts.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: Millis,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        password_hash: r.get(2)?,
        role: r.get(3)?,
        created_at: r.get(4)?,
    })
}

const COLUMNS: &str = "id, email, password_hash, role, created_at";

pub fn count(conn: &Connection) -> DbResult<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub fn insert(conn: &Connection, user: &User) -> DbResult<()> {
    conn.execute(
        "INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user.id, user.email, user.password_hash, user.role, user.created_at],
    )?;
    Ok(())
}

pub fn find_by_email(conn: &Connection, email: &str) -> DbResult<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE email = ?1"),
            [email],
            from_row,
        )
        .optional()?)
}

pub fn find(conn: &Connection, id: &str) -> DbResult<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

pub fn set_password_hash(conn: &Connection, id: &str, password_hash: &str) -> DbResult<bool> {
    Ok(conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        params![id, password_hash],
    )? == 1)
}

/// Every user, oldest first (for `envkeep users list`).
pub fn all(conn: &Connection) -> DbResult<Vec<User>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM users ORDER BY created_at, email"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the user last logged in: the newest of their sessions' starts, live or not yet swept.
// TODO(teams): use the users.last_login_at column once issue 15 adds it.
pub fn last_login_at(conn: &Connection, id: &str) -> DbResult<Option<Millis>> {
    Ok(conn.query_row(
        "SELECT max(created_at) FROM sessions WHERE user_id = ?1",
        [id],
        |r| r.get(0),
    )?)
}
