//! The trash: deleted secrets, restorable until retention prunes them (their history stays in
//! `secret_versions` under the same secret id).

use super::Author;
use crate::db::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A deleted secret, restorable until retention prunes it.
#[derive(Debug, Clone)]
pub struct TrashRow {
    pub secret_id: String,
    pub environment_id: String,
    pub path: String,
    pub key: String,
    /// Its last live version (the pair is in `secret_versions`); the `delete` mark is the next.
    pub version: i64,
    pub created_at: Millis,
    pub deleted_at: Millis,
    pub deleted_by: Author,
}

const TRASH_COLUMNS: &str = "secret_id, environment_id, path, key, version, created_at, deleted_at, deleted_by_kind, deleted_by_id, deleted_by_name";

fn trash_from_row(r: &Row<'_>) -> rusqlite::Result<TrashRow> {
    Ok(TrashRow {
        secret_id: r.get(0)?,
        environment_id: r.get(1)?,
        path: r.get(2)?,
        key: r.get(3)?,
        version: r.get(4)?,
        created_at: r.get(5)?,
        deleted_at: r.get(6)?,
        deleted_by: Author {
            kind: r.get(7)?,
            id: r.get(8)?,
            name: r.get(9)?,
        },
    })
}

pub fn insert_trash(conn: &Connection, project_id: &str, row: &TrashRow) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO trash (secret_id, project_id, environment_id, path, key, version, created_at, deleted_at, deleted_by_kind, deleted_by_id, deleted_by_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        row.secret_id,
        project_id,
        row.environment_id,
        row.path,
        row.key,
        row.version,
        row.created_at,
        row.deleted_at,
        row.deleted_by.kind,
        row.deleted_by.id,
        row.deleted_by.name
    ])?;
    Ok(())
}

/// A trashed secret of the project.
pub fn trashed(conn: &Connection, project_id: &str, secret_id: &str) -> DbResult<Option<TrashRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {TRASH_COLUMNS} FROM trash WHERE project_id = ?1 AND secret_id = ?2"
        ))?
        .query_row([project_id, secret_id], trash_from_row)
        .optional()?)
}

/// The most recently trashed secret at a place.
pub fn trashed_at(
    conn: &Connection,
    env_id: &str,
    path: &str,
    key: &str,
) -> DbResult<Option<TrashRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {TRASH_COLUMNS} FROM trash WHERE environment_id = ?1 AND path = ?2 AND key = ?3
             ORDER BY deleted_at DESC, secret_id LIMIT 1"
        ))?
        .query_row([env_id, path, key], trash_from_row)
        .optional()?)
}

/// An environment's trash, most recently deleted first, after the `(deleted_at, secret_id)`
/// cursor when given.
pub fn trash_page(
    conn: &Connection,
    env_id: &str,
    after: Option<(Millis, &str)>,
    limit: usize,
) -> DbResult<Vec<TrashRow>> {
    let (at, id) = after.unwrap_or((i64::MAX, ""));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TRASH_COLUMNS} FROM trash
         WHERE environment_id = ?1 AND (deleted_at < ?2 OR (deleted_at = ?2 AND secret_id > ?3))
         ORDER BY deleted_at DESC, secret_id LIMIT ?4"
    ))?;
    let rows = stmt.query_map(params![env_id, at, id, limit as i64], trash_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn remove_trash(conn: &Connection, secret_id: &str) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM trash WHERE secret_id = ?1", [secret_id])? > 0)
}
