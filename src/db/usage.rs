//! How much is stored: secrets and their sealed bytes (value and comment ciphertexts as stored)
//! in a folder, a subtree or a project, for the storage limits and the listing budget.
//! `length()` of a blob reads its size from the record header, never the blob itself.

use super::{subtree_prefix, DbResult};
use rusqlite::{Connection, Row};

/// Secrets and the bytes of their sealed values and comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub secrets: u64,
    pub sealed_bytes: u64,
}

fn usage(r: &Row<'_>) -> rusqlite::Result<Usage> {
    let (secrets, bytes): (i64, i64) = (r.get(0)?, r.get(1)?);
    Ok(Usage {
        secrets: u64::try_from(secrets).unwrap_or(0),
        sealed_bytes: u64::try_from(bytes).unwrap_or(0),
    })
}

/// The secrets directly in one folder, counted from the `(environment, path, key)` index.
pub fn secrets_in_folder(conn: &Connection, env_id: &str, path: &str) -> DbResult<u64> {
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM secrets WHERE environment_id = ?1 AND path = ?2")?
        .query_row([env_id, path], |r| r.get(0))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// What one folder holds.
pub fn in_folder(conn: &Connection, env_id: &str, path: &str) -> DbResult<Usage> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(length(value_ct) + length(comment_ct)), 0)
             FROM secrets WHERE environment_id = ?1 AND path = ?2",
        )?
        .query_row([env_id, path], usage)?)
}

/// What a folder and every folder below it hold.
pub fn in_subtree(conn: &Connection, env_id: &str, path: &str) -> DbResult<Usage> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(length(value_ct) + length(comment_ct)), 0)
             FROM secrets
             WHERE environment_id = ?1 AND (path = ?2 OR substr(path, 1, length(?3)) = ?3)",
        )?
        .query_row([env_id, path, &subtree_prefix(path)], usage)?)
}

/// Repeats the expression of the `secrets_project_usage` index (migration 0004) word for word,
/// so SQLite answers it from the index alone (the test below reads the plan of this very text).
const PROJECT_USAGE: &str =
    "SELECT count(*), coalesce(sum(length(value_ct) + length(comment_ct)), 0)
     FROM secrets WHERE project_id = ?1";

/// What a whole project holds.
pub fn in_project(conn: &Connection, project_id: &str) -> DbResult<Usage> {
    Ok(conn
        .prepare_cached(PROJECT_USAGE)?
        .query_row([project_id], usage)?)
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
             INSERT INTO environments (id, project_id, name, slug, position) VALUES ('e', 'p', 'Dev', 'dev', 0);
             INSERT INTO folders (id, project_id, environment_id, path, created_at) VALUES
                 ('f1', 'p', 'e', '/', 0), ('f2', 'p', 'e', '/app', 0), ('f3', 'p', 'e', '/app/db', 0);
             INSERT INTO secrets (id, project_id, environment_id, path, key, value_ct, comment_ct, version, created_at, updated_at) VALUES
                 ('s1', 'p', 'e', '/', 'A', zeroblob(100), zeroblob(10), 1, 0, 0),
                 ('s2', 'p', 'e', '/app', 'B', zeroblob(200), zeroblob(20), 1, 0, 0),
                 ('s3', 'p', 'e', '/app/db', 'C', zeroblob(300), zeroblob(30), 1, 0, 0);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn usage_counts_secrets_and_sealed_bytes_per_folder_subtree_and_project() {
        let conn = database();
        let used = |secrets, sealed_bytes| Usage {
            secrets,
            sealed_bytes,
        };
        assert_eq!(in_folder(&conn, "e", "/app").unwrap(), used(1, 220));
        assert_eq!(in_subtree(&conn, "e", "/app").unwrap(), used(2, 550));
        assert_eq!(in_project(&conn, "p").unwrap(), used(3, 660));
        assert_eq!(in_project(&conn, "none").unwrap(), used(0, 0));
        assert_eq!(secrets_in_folder(&conn, "e", "/").unwrap(), 1);
    }

    #[test]
    fn project_usage_is_read_from_the_index_alone() {
        let conn = database();
        let plan: String = conn
            .query_row(&format!("EXPLAIN QUERY PLAN {PROJECT_USAGE}"), ["p"], |r| {
                r.get(3)
            })
            .unwrap();
        assert!(
            plan.contains("COVERING INDEX secrets_project_usage"),
            "{plan}"
        );
    }
}
