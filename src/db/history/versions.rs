//! Superseded versions (`secret_versions`) and who made the live row's current version.

use super::Author;
use crate::db::{subtree_prefix, DbResult};
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// One superseded version, or the `delete` mark (no ciphertext, not unreadable).
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub secret_id: String,
    pub version: i64,
    pub environment_id: String,
    pub path: String,
    pub key: String,
    /// Both ciphertexts, or none: unreadable when superseded, or a `delete` mark.
    pub sealed: Option<(Vec<u8>, Vec<u8>)>,
    pub unreadable: bool,
    pub action: String,
    pub author: Author,
    pub created_at: Millis,
    pub superseded_at: Option<Millis>,
}

const VERSION_COLUMNS: &str = "secret_id, version, environment_id, path, key, value_ct, comment_ct, unreadable, action, actor_kind, actor_id, actor_name, created_at, superseded_at";

fn version_from_row(r: &Row<'_>) -> rusqlite::Result<VersionRow> {
    let value: Option<Vec<u8>> = r.get(5)?;
    let comment: Option<Vec<u8>> = r.get(6)?;
    Ok(VersionRow {
        secret_id: r.get(0)?,
        version: r.get(1)?,
        environment_id: r.get(2)?,
        path: r.get(3)?,
        key: r.get(4)?,
        sealed: value.zip(comment),
        unreadable: r.get(7)?,
        action: r.get(8)?,
        author: Author {
            kind: r.get(9)?,
            id: r.get(10)?,
            name: r.get(11)?,
        },
        created_at: r.get(12)?,
        superseded_at: r.get(13)?,
    })
}

pub fn insert_version(conn: &Connection, project_id: &str, row: &VersionRow) -> DbResult<()> {
    let bytes = insert_version_uncounted(conn, project_id, row)?;
    add_history_bytes(conn, project_id, bytes)
}

/// Inserts a history row and answers its sealed bytes, which the caller must add to the project's
/// count ([`add_history_bytes`]) before its transaction ends: a restore of many secrets counts
/// them all with one update.
pub fn insert_version_uncounted(
    conn: &Connection,
    project_id: &str,
    row: &VersionRow,
) -> DbResult<i64> {
    let (value, comment) = match &row.sealed {
        Some((v, c)) => (Some(v.as_slice()), Some(c.as_slice())),
        None => (None, None),
    };
    conn.prepare_cached(
        "INSERT INTO secret_versions (secret_id, version, project_id, environment_id, path, key, value_ct, comment_ct, unreadable, action, actor_kind, actor_id, actor_name, created_at, superseded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        row.secret_id,
        row.version,
        project_id,
        row.environment_id,
        row.path,
        row.key,
        value,
        comment,
        row.unreadable,
        row.action,
        row.author.kind,
        row.author.id,
        row.author.name,
        row.created_at,
        row.superseded_at
    ])?;
    let bytes = value.map_or(0, <[u8]>::len) + comment.map_or(0, <[u8]>::len);
    Ok(i64::try_from(bytes).unwrap_or(i64::MAX))
}

/// Adds `bytes` to the project's running count of history bytes (nothing to write for 0).
pub fn add_history_bytes(conn: &Connection, project_id: &str, bytes: i64) -> DbResult<()> {
    if bytes != 0 {
        conn.prepare_cached(
            "UPDATE projects SET history_bytes = history_bytes + ?2 WHERE id = ?1",
        )?
        .execute(params![project_id, bytes])?;
    }
    Ok(())
}

/// Marks a secret's `delete` row as superseded (its trash restore made a new version).
pub fn supersede_version(
    conn: &Connection,
    secret_id: &str,
    version: i64,
    at: Millis,
) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE secret_versions SET superseded_at = ?3 WHERE secret_id = ?1 AND version = ?2",
    )?
    .execute(params![secret_id, version, at])?;
    Ok(())
}

/// A secret's stored versions, newest first, below `before` when given.
pub fn versions(
    conn: &Connection,
    secret_id: &str,
    before: Option<i64>,
    limit: usize,
) -> DbResult<Vec<VersionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM secret_versions
         WHERE secret_id = ?1 AND version < ?2 ORDER BY version DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(
        params![secret_id, before.unwrap_or(i64::MAX), limit as i64],
        version_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn version(conn: &Connection, secret_id: &str, version: i64) -> DbResult<Option<VersionRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM secret_versions WHERE secret_id = ?1 AND version = ?2"
        ))?
        .query_row(params![secret_id, version], version_from_row)
        .optional()?)
}

/// [`current_at`]'s source and filter (the test below reads its plan).
const CURRENT_AT: &str = "FROM secret_versions
     WHERE project_id = ?1 AND superseded_at > ?5 AND environment_id = ?2
       AND (path = ?3 OR substr(path, 1, length(?4)) = ?4)
       AND action <> 'delete' AND created_at <= ?5";

/// The versions in a folder and below that were current at `at` and have been replaced since
/// (`delete` marks excluded): with the live rows unchanged since `at`, the subtree as it was.
/// Read from the `secret_versions_superseded` index from `at` on: only what was replaced since.
pub fn current_at(
    conn: &Connection,
    project_id: &str,
    env_id: &str,
    path: &str,
    at: Millis,
) -> DbResult<Vec<VersionRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {VERSION_COLUMNS} {CURRENT_AT}"))?;
    let rows = stmt.query_map(
        params![project_id, env_id, path, subtree_prefix(path), at],
        version_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How a live row's current version came to be: its action (`create`, `update`, `restore`) and
/// who made it.
pub type LiveChange = (String, Author);

/// Who made the live row's current version and how (`None` for a row written before history).
pub fn live_change(conn: &Connection, secret_id: &str) -> DbResult<Option<LiveChange>> {
    let found: Option<(Option<String>, Author)> = conn
        .prepare_cached(
            "SELECT action, actor_kind, actor_id, actor_name FROM secrets WHERE id = ?1",
        )?
        .query_row([secret_id], |r| {
            Ok((
                r.get(0)?,
                Author {
                    kind: r.get(1)?,
                    id: r.get(2)?,
                    name: r.get(3)?,
                },
            ))
        })
        .optional()?;
    Ok(found.map(|(action, author)| (action.unwrap_or_else(|| String::from("update")), author)))
}

/// Records who made the live row's current version and how.
pub fn set_live_change(
    conn: &Connection,
    secret_id: &str,
    action: &str,
    author: &Author,
) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE secrets SET action = ?2, actor_kind = ?3, actor_id = ?4, actor_name = ?5 WHERE id = ?1",
    )?
    .execute(params![secret_id, action, author.kind, author.id, author.name])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_current_at_a_moment_is_read_from_the_superseded_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrations::run(&mut conn).unwrap();
        let plan: String = conn
            .query_row(
                &format!("EXPLAIN QUERY PLAN SELECT secret_id {CURRENT_AT}"),
                params!["p", "e", "/", "/", 0],
                |r| r.get(3),
            )
            .unwrap();
        assert!(
            plan.contains("INDEX secret_versions_superseded (project_id=? AND superseded_at>?)"),
            "{plan}"
        );
    }
}
