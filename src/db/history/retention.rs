//! Each project's retention (`history_days`), the pruning of what it has outlived, and the running
//! count of the sealed bytes its history holds.

use crate::db::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};

/// The sealed bytes a project's history holds (its running count).
pub fn sealed_bytes(conn: &Connection, project_id: &str) -> DbResult<u64> {
    let bytes: Option<i64> = conn
        .prepare_cached("SELECT history_bytes FROM projects WHERE id = ?1")?
        .query_row([project_id], |r| r.get(0))
        .optional()?;
    Ok(u64::try_from(bytes.unwrap_or(0)).unwrap_or(0))
}

/// Every project's id, for the retention job's recount (one project per transaction).
pub fn project_ids(conn: &Connection) -> DbResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM projects ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Sets a project's `history_bytes` to what its history holds (after pruning, and to correct
/// what cascading deletes of environments left uncounted). It reads the project's rows through
/// the `secret_versions_superseded` index: one project per transaction keeps the write lock
/// held for a bounded time.
pub fn recount_bytes(conn: &Connection, project_id: &str) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE projects SET history_bytes = (
             SELECT coalesce(sum(coalesce(length(value_ct), 0) + coalesce(length(comment_ct), 0)), 0)
             FROM secret_versions WHERE project_id = ?1)
         WHERE id = ?1",
    )?
    .execute([project_id])?;
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
    use crate::db::history::{insert_version, Author, VersionRow};

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
        recount_bytes(&conn, "p").unwrap();
        assert_eq!(sealed_bytes(&conn, "p").unwrap(), 220);
    }
}
