//! Secret history: superseded (value, comment) pairs in `secret_versions`, the authorship of each
//! live row's current version, and the trash (deleted secrets, which keep their id and history).

use super::{subtree_prefix, DbResult};
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Who made a version, as they were named then (a later rename or removal does not rewrite it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub kind: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
}

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
    if bytes > 0 {
        conn.prepare_cached(
            "UPDATE projects SET history_bytes = history_bytes + ?2 WHERE id = ?1",
        )?
        .execute(params![project_id, bytes as i64])?;
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

/// The versions in a folder and below that were current at `at` and have been replaced since
/// (`delete` marks excluded): with the live rows unchanged since `at`, the subtree as it was.
pub fn current_at(
    conn: &Connection,
    env_id: &str,
    path: &str,
    at: Millis,
) -> DbResult<Vec<VersionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM secret_versions
         WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)
           AND action <> 'delete' AND created_at <= ?4 AND superseded_at > ?4"
    ))?;
    let rows = stmt.query_map(
        params![env_id, path, subtree_prefix(path), at],
        version_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Who made the live row's current version and how (`None` for a row written before history).
pub fn live_change(conn: &Connection, secret_id: &str) -> DbResult<Option<(String, Author)>> {
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

/// The sealed bytes a project's history holds (its running count).
pub fn sealed_bytes(conn: &Connection, project_id: &str) -> DbResult<u64> {
    let bytes: Option<i64> = conn
        .prepare_cached("SELECT history_bytes FROM projects WHERE id = ?1")?
        .query_row([project_id], |r| r.get(0))
        .optional()?;
    Ok(u64::try_from(bytes.unwrap_or(0)).unwrap_or(0))
}

/// Sets every project's `history_bytes` to what its history holds (after pruning, and to
/// correct what cascading deletes of environments left uncounted), from the
/// `secret_versions_usage` index alone (the expression is the index's, word for word).
pub fn recount_bytes(conn: &Connection) -> DbResult<()> {
    conn.execute(
        "UPDATE projects SET history_bytes = (
             SELECT coalesce(sum(coalesce(length(value_ct), 0) + coalesce(length(comment_ct), 0)), 0)
             FROM secret_versions WHERE project_id = projects.id)",
        [],
    )?;
    Ok(())
}

/// Deletes up to `chunk` history rows (then trash entries, with what is left of their history)
/// older than each project's retention at `now`; answers how many rows went. A trashed secret's
/// last pair was superseded when it was deleted, so it lasts exactly as long as its trash entry.
pub fn prune_chunk(conn: &Connection, now: Millis, chunk: usize) -> DbResult<usize> {
    let versions = conn.execute(
        "DELETE FROM secret_versions WHERE (secret_id, version) IN (
             SELECT v.secret_id, v.version FROM secret_versions v JOIN projects p ON p.id = v.project_id
             WHERE v.superseded_at < ?1 - p.history_days * 86400000
             LIMIT ?2)",
        params![now, chunk as i64],
    )?;
    let room = chunk.saturating_sub(versions);
    if room == 0 {
        return Ok(versions);
    }
    let gone: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT t.secret_id FROM trash t JOIN projects p ON p.id = t.project_id
             WHERE t.deleted_at < ?1 - p.history_days * 86400000 LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now, room as i64], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut removed = versions;
    for id in &gone {
        removed += conn.execute("DELETE FROM secret_versions WHERE secret_id = ?1", [id])?;
        removed += conn.execute("DELETE FROM trash WHERE secret_id = ?1", [id])?;
    }
    Ok(removed)
}

pub fn history_days(conn: &Connection, project_id: &str) -> DbResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT history_days FROM projects WHERE id = ?1")?
        .query_row([project_id], |r| r.get(0))
        .optional()?)
}

pub fn set_history_days(conn: &Connection, project_id: &str, days: i64) -> DbResult<()> {
    conn.execute(
        "UPDATE projects SET history_days = ?2 WHERE id = ?1",
        params![project_id, days],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrations::run(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO projects (id, name, slug, sealed_wire_key, sealed_data_key, created_at)
                 VALUES ('p', 'P', 'p', x'00', x'00', 0);
             INSERT INTO environments (id, project_id, name, slug, position) VALUES ('e', 'p', 'Dev', 'dev', 0);",
        )
        .unwrap();
        conn
    }

    fn version(n: i64, superseded_at: Millis, sealed: Option<(Vec<u8>, Vec<u8>)>) -> VersionRow {
        VersionRow {
            secret_id: String::from("s"),
            version: n,
            environment_id: String::from("e"),
            path: String::from("/"),
            key: String::from("K"),
            unreadable: sealed.is_none(),
            sealed,
            action: String::from("update"),
            author: Author::default(),
            created_at: 0,
            superseded_at: Some(superseded_at),
        }
    }

    #[test]
    fn the_running_count_of_history_bytes_matches_a_recount_after_pruning() {
        let conn = database();
        insert_version(
            &conn,
            "p",
            &version(1, 1_000, Some((vec![0; 100], vec![0; 10]))),
        )
        .unwrap();
        insert_version(
            &conn,
            "p",
            &version(2, 5 * 86_400_000, Some((vec![0; 200], vec![0; 20]))),
        )
        .unwrap();
        insert_version(&conn, "p", &version(3, 5 * 86_400_000, None)).unwrap();
        assert_eq!(sealed_bytes(&conn, "p").unwrap(), 330);
        // 90 days of retention: at day 91 only the version superseded at day 0 is old enough.
        let removed = prune_chunk(&conn, 91 * 86_400_000, 10).unwrap();
        assert_eq!(removed, 1);
        recount_bytes(&conn).unwrap();
        assert_eq!(sealed_bytes(&conn, "p").unwrap(), 220);
    }
}
