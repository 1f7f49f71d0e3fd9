//! Secrets, stored sealed: `value_ct` and `comment_ct` are XChaCha20-Poly1305 blobs.

use super::history::{Author, LiveChange};
use super::{subtree_prefix, DbError, DbResult};
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct SecretRow {
    pub id: String,
    pub environment_id: String,
    pub path: String,
    pub key: String,
    pub value_ct: Vec<u8>,
    pub comment_ct: Vec<u8>,
    pub version: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

const COLUMNS: &str =
    "id, environment_id, path, key, value_ct, comment_ct, version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SecretRow> {
    Ok(SecretRow {
        id: r.get(0)?,
        environment_id: r.get(1)?,
        path: r.get(2)?,
        key: r.get(3)?,
        value_ct: r.get(4)?,
        comment_ct: r.get(5)?,
        version: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// [`COLUMNS`] then who made the row's current version and how.
const COLUMNS_WITH_CHANGE: &str = "id, environment_id, path, key, value_ct, comment_ct, version, created_at, updated_at, action, actor_kind, actor_id, actor_name";

/// A row read with [`COLUMNS_WITH_CHANGE`]: the row, and how its current version came to be
/// (`update` by nobody named for a row written before history was kept).
fn with_change(r: &Row<'_>) -> rusqlite::Result<(SecretRow, LiveChange)> {
    let action: Option<String> = r.get(9)?;
    let author = Author {
        kind: r.get(10)?,
        id: r.get(11)?,
        name: r.get(12)?,
    };
    Ok((
        from_row(r)?,
        (action.unwrap_or_else(|| String::from("update")), author),
    ))
}

/// The secrets directly in one folder, ordered by key.
pub fn list_in_folder(conn: &Connection, env_id: &str, path: &str) -> DbResult<Vec<SecretRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM secrets WHERE environment_id = ?1 AND path = ?2 ORDER BY key"
    ))?;
    let rows = stmt.query_map(params![env_id, path], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The secrets in a folder and every folder below it, ordered by path then key.
pub fn list_in_subtree(conn: &Connection, env_id: &str, path: &str) -> DbResult<Vec<SecretRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM secrets
         WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)
         ORDER BY path, key"
    ))?;
    let rows = stmt.query_map([env_id, path, &subtree_prefix(path)], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Calls `each` with every secret directly in one folder, ordered by key, one row at a time
/// (one statement, so one snapshot): a large folder is never all in memory.
pub fn for_each_in_folder<E: From<DbError>>(
    conn: &Connection,
    env_id: &str,
    path: &str,
    each: impl FnMut(SecretRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT {COLUMNS} FROM secrets WHERE environment_id = ?1 AND path = ?2 ORDER BY key"
    );
    for_each(conn, &sql, params![env_id, path], each)
}

/// [`for_each_in_folder`] for a folder and every folder below it, ordered by path then key.
pub fn for_each_in_subtree<E: From<DbError>>(
    conn: &Connection,
    env_id: &str,
    path: &str,
    each: impl FnMut(SecretRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT {COLUMNS} FROM secrets
         WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)
         ORDER BY path, key"
    );
    let prefix = subtree_prefix(path);
    for_each(conn, &sql, params![env_id, path, prefix], each)
}

fn for_each<E: From<DbError>>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut each: impl FnMut(SecretRow) -> Result<(), E>,
) -> Result<(), E> {
    let failed = |e: rusqlite::Error| E::from(DbError::from(e));
    let mut stmt = conn.prepare_cached(sql).map_err(failed)?;
    let rows = stmt.query_map(params, from_row).map_err(failed)?;
    for row in rows {
        each(row.map_err(failed)?)?;
    }
    Ok(())
}

/// The (path, key) of every secret in a folder and below, without their ciphertexts.
pub fn places_in_subtree(
    conn: &Connection,
    env_id: &str,
    path: &str,
) -> DbResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, key FROM secrets
         WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)
         ORDER BY path, key",
    )?;
    let rows = stmt.query_map([env_id, path, &subtree_prefix(path)], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many secrets [`list_in_subtree`] would return, without reading their ciphertexts.
pub fn count_in_subtree(conn: &Connection, env_id: &str, path: &str) -> DbResult<usize> {
    let count: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM secrets
             WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)",
        )?
        .query_row([env_id, path, &subtree_prefix(path)], |r| r.get(0))?;
    Ok(count as usize)
}

/// How many secrets each folder of an environment holds directly (folders holding none are not
/// listed), without reading a ciphertext: one row per folder, not per secret.
pub fn counts_by_folder(conn: &Connection, env_id: &str) -> DbResult<Vec<(String, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, count(*) FROM secrets WHERE environment_id = ?1 GROUP BY path",
    )?;
    let rows = stmt.query_map([env_id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find(conn: &Connection, env_id: &str, path: &str, key: &str) -> DbResult<Option<SecretRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM secrets WHERE environment_id = ?1 AND path = ?2 AND key = ?3"
        ))?
        .query_row([env_id, path, key], from_row)
        .optional()?)
}

/// [`find`] with how the row's current version came to be (what its history row will say when
/// it is superseded), in the same read.
pub fn find_with_change(
    conn: &Connection,
    env_id: &str,
    path: &str,
    key: &str,
) -> DbResult<Option<(SecretRow, LiveChange)>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS_WITH_CHANGE} FROM secrets WHERE environment_id = ?1 AND path = ?2 AND key = ?3"
        ))?
        .query_row([env_id, path, key], with_change)
        .optional()?)
}

/// [`list_in_subtree`] with how each row's current version came to be.
pub fn list_in_subtree_with_change(
    conn: &Connection,
    env_id: &str,
    path: &str,
) -> DbResult<Vec<(SecretRow, LiveChange)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS_WITH_CHANGE} FROM secrets
         WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)
         ORDER BY path, key"
    ))?;
    let rows = stmt.query_map([env_id, path, &subtree_prefix(path)], with_change)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How a row's current version came to be, and who made it (kept with the row for its history).
#[derive(Debug, Clone, Copy)]
pub struct Made<'a> {
    pub action: &'a str,
    pub by: &'a Author,
}

pub fn insert(
    conn: &Connection,
    project_id: &str,
    row: &SecretRow,
    made: Made<'_>,
) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO secrets (id, project_id, environment_id, path, key, value_ct, comment_ct, version, created_at, updated_at, action, actor_kind, actor_id, actor_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        row.id,
        project_id,
        row.environment_id,
        row.path,
        row.key,
        row.value_ct,
        row.comment_ct,
        row.version,
        row.created_at,
        row.updated_at,
        made.action,
        made.by.kind,
        made.by.id,
        made.by.name
    ])?;
    Ok(())
}

pub fn update(conn: &Connection, row: &SecretRow, made: Made<'_>) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE secrets SET value_ct = ?2, comment_ct = ?3, version = ?4, updated_at = ?5,
             action = ?6, actor_kind = ?7, actor_id = ?8, actor_name = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        row.id,
        row.value_ct,
        row.comment_ct,
        row.version,
        row.updated_at,
        made.action,
        made.by.kind,
        made.by.id,
        made.by.name
    ])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM secrets WHERE id = ?1", [id])? > 0)
}
