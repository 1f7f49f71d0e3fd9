//! Folders: one row per existing path in an environment; `/` always exists.

use super::{subtree_prefix, DbResult};
use crate::time::Millis;
use rusqlite::{params, Connection};

#[derive(Debug, Clone)]
pub struct Folder {
    pub id: String,
    pub path: String,
    pub created_at: Millis,
}

/// Inserts the folder unless it already exists; returns whether it was created.
pub fn insert_if_missing(
    conn: &Connection,
    id: &str,
    project_id: &str,
    env_id: &str,
    path: &str,
    now: Millis,
) -> DbResult<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO folders (id, project_id, environment_id, path, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (environment_id, path) DO NOTHING",
        )?
        .execute(params![id, project_id, env_id, path, now])?
        > 0)
}

pub fn exists(conn: &Connection, env_id: &str, path: &str) -> DbResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM folders WHERE environment_id = ?1 AND path = ?2)",
        )?
        .query_row([env_id, path], |r| r.get(0))?)
}

/// Folders strictly below `path` (all depths), ordered by path.
pub fn descendants(conn: &Connection, env_id: &str, path: &str) -> DbResult<Vec<Folder>> {
    let prefix = subtree_prefix(path);
    let mut stmt = conn.prepare_cached(
        "SELECT id, path, created_at FROM folders
         WHERE environment_id = ?1 AND substr(path, 1, length(?2)) = ?2 AND path <> '/'
         ORDER BY path",
    )?;
    let rows = stmt.query_map(params![env_id, prefix], |r| {
        Ok(Folder {
            id: r.get(0)?,
            path: r.get(1)?,
            created_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes the folder and everything below it (secrets cascade). Returns folders removed.
pub fn delete_subtree(conn: &Connection, env_id: &str, path: &str) -> DbResult<usize> {
    let prefix = format!("{path}/");
    Ok(conn.execute(
        "DELETE FROM folders WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)",
        params![env_id, path, prefix],
    )?)
}
