//! Embedded, numbered, append-only migrations tracked by `PRAGMA user_version`.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_initial.sql")),
    M::up(include_str!(
        "../../migrations/0002_token_scopes_in_row.sql"
    )),
    M::up(include_str!(
        "../../migrations/0003_token_columns_as_json.sql"
    )),
    M::up(include_str!("../../migrations/0004_secret_usage_index.sql")),
    M::up(include_str!("../../migrations/0005_teams.sql")),
    M::up(include_str!("../../migrations/0006_audit_chain.sql")),
    M::up(include_str!("../../migrations/0007_accounts.sql")),
    M::up(include_str!("../../migrations/0008_secret_history.sql")),
    M::up(include_str!(
        "../../migrations/0009_imports_and_identities.sql"
    )),
    M::up(include_str!(
        "../../migrations/0010_history_write_indexes.sql"
    )),
];

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("the database schema is version {found}, newer than this envkeep supports ({supported}); run a newer envkeep or restore a backup made by this version")]
    TooNew { found: i64, supported: i64 },
    #[error("migrating the database failed: {0}")]
    Failed(String),
    #[error("another program holds this database's write lock and kept it for over a second, as `litestream restore -f` does while it follows a replica; a server on a followed copy would serve stale data and lose its writes. Stop the follower, then restore and start as README \"Replication and recovery\" says")]
    WriteLockHeld,
    #[error("{0} exists: `litestream restore -f` is following (or followed) a replica into this file; a server on a followed copy would serve stale data and lose its writes. Stop the follower and restore as README \"Replication and recovery\" says (to serve this copy once no follower runs, delete that file)")]
    Followed(String),
}

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the schema to the latest version in one transaction; a no-op when already there.
pub fn run(conn: &mut Connection) -> Result<(), MigrationError> {
    let found = user_version(conn).map_err(|e| MigrationError::Open(e.to_string()))?;
    if found > latest_version() {
        return Err(MigrationError::TooNew {
            found,
            supported: latest_version(),
        });
    }
    Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| MigrationError::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }

    /// The one number a `SELECT count(*)` query gives.
    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The text in `column` of the service token `id`.
    fn token_column(conn: &Connection, id: &str, column: &str) -> String {
        let sql = format!("SELECT {column} FROM service_tokens WHERE id = ?1");
        conn.query_row(&sql, [id], |r| r.get(0)).unwrap()
    }

    #[test]
    fn fresh_database_reaches_the_latest_version_and_rerun_is_a_no_op() {
        let tables = |conn: &Connection| {
            count(
                conn,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            )
        };
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        let first = tables(&conn);
        run(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        assert_eq!(first, tables(&conn));
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        let err = run(&mut conn).unwrap_err();
        assert!(matches!(err, MigrationError::TooNew { .. }));
        assert!(err.to_string().contains("newer than this envkeep"));
    }

    /// A database migrated only as far as `version`, given project `p` and `rows` in that
    /// version's shape, then migrated to the latest version.
    fn migrated_from(version: usize, rows: &str) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        Migrations::from_slice(&MIGRATIONS[..version])
            .to_latest(&mut conn)
            .unwrap();
        conn.execute_batch("INSERT INTO projects VALUES ('p', 'P', 'p', x'00', x'00', 0);")
            .unwrap();
        conn.execute_batch(rows).unwrap();
        run(&mut conn).unwrap();
        conn
    }

    #[test]
    fn version_2_moves_each_tokens_scopes_into_its_row_in_order() {
        let conn = migrated_from(
            1,
            "INSERT INTO service_tokens (id, project_id, name, secret_hash, encrypted_key, iv, tag,
                 permissions, created_by, created_at)
             VALUES ('t1', 'p', 'two', x'00', '', '', '', '[\"read\"]', 'u', 0),
                    ('t2', 'p', 'none', x'00', '', '', '', '[\"read\"]', 'u', 0);
             INSERT INTO service_token_scopes VALUES ('t1', 1, 'prod', '/b/**'), ('t1', 0, 'dev', '/a');",
        );
        let scopes = |id: &str| token_column(&conn, id, "scopes");
        assert_eq!(scopes("t1"), r#"[["dev","/a"],["prod","/b/**"]]"#);
        assert_eq!(scopes("t2"), "[]");
        let old_table = count(
            &conn,
            "SELECT count(*) FROM sqlite_master WHERE name = 'service_token_scopes'",
        );
        assert_eq!(old_table, 0);
    }

    #[test]
    fn version_3_stores_permissions_as_json_and_keeps_undecodable_values_undecodable() {
        let conn = migrated_from(
            2,
            "INSERT INTO service_tokens (id, project_id, name, secret_hash, encrypted_key, iv, tag,
                 permissions, allowed_ips, created_by, created_at, scopes)
             VALUES ('r', 'p', 'n', x'00', '', '', '', 'read', '[]', 'u', 0, '[[\"dev\",\"/\"]]'),
                    ('w', 'p', 'n', x'00', '', '', '', 'write', '[\"10.0.0.0/8\"]', 'u', 0, '[]'),
                    ('rw', 'p', 'n', x'00', '', '', '', 'read,write', '[]', 'u', 0, '[]'),
                    ('json', 'p', 'n', x'00', '', '', '', '[\"read\"]', '[]', 'u', 0, '[]'),
                    ('odd', 'p', 'n', x'00', '', '', '', 'read\"', 'not json', 'u', 0, '[]');",
        );
        let column = |id: &str, column: &str| token_column(&conn, id, column);
        assert_eq!(column("r", "permissions"), r#"["read"]"#);
        assert_eq!(column("w", "permissions"), r#"["write"]"#);
        assert_eq!(column("rw", "permissions"), r#"["read","write"]"#);
        assert_eq!(column("json", "permissions"), r#"["read"]"#);
        assert_eq!(column("w", "allowed_ips"), r#"["10.0.0.0/8"]"#);
        assert_eq!(column("r", "scopes"), r#"[["dev","/"]]"#);
        // Never written by Envkeep: kept as JSON strings, which do not decode as lists.
        assert_eq!(column("odd", "permissions"), r#""read\"""#);
        assert_eq!(column("odd", "allowed_ips"), r#""not json""#);
        let refused = conn.execute(
            "UPDATE service_tokens SET permissions = 'read' WHERE id = 'r'",
            [],
        );
        assert!(refused.is_err(), "permissions must be JSON from now on");
        let indexes = count(
            &conn,
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'service_tokens'
               AND name IN ('service_tokens_project', 'service_tokens_expires_at')",
        );
        assert_eq!(indexes, 2);
    }

    #[test]
    fn version_5_makes_todays_admin_the_owner_and_records_token_creators_by_id() {
        let conn = migrated_from(
            4,
            "INSERT INTO users (id, email, password_hash, role, created_at)
             VALUES ('u1', 'Admin@Example.com', 'h', 'admin', 0);
             INSERT INTO service_tokens (id, project_id, name, secret_hash, encrypted_key, iv, tag,
                 permissions, created_by, created_at)
             VALUES ('mine', 'p', 'n', x'00', '', '', '', '[\"read\"]', 'admin@example.com', 0),
                    ('gone', 'p', 'n', x'00', '', '', '', '[\"read\"]', 'left@example.com', 0);",
        );
        let role: String = conn
            .query_row("SELECT role FROM users WHERE id = 'u1'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(role, "owner");
        let creator = |id: &str| -> Option<String> {
            conn.query_row(
                "SELECT created_by_user_id FROM service_tokens WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(
            creator("mine").as_deref(),
            Some("u1"),
            "e-mails match without case"
        );
        assert_eq!(creator("gone"), None);
    }

    #[test]
    fn version_6_anchors_the_chain_after_the_rows_before_it() {
        let mut conn = migrated_from(
            5,
            "INSERT INTO audit_events (at, actor_kind, actor_id, action, detail)
             VALUES (1, 'user', 'u', 'project.create', '{}'), (2, 'user', 'u', 'secret.create', '{}');",
        );
        let anchor: String = conn
            .query_row(
                "SELECT detail FROM audit_events WHERE action = 'audit.chain_started'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(anchor, r#"{"rowsBefore":2}"#);
        let key = crate::crypto::chain::ChainKey::derive(&crate::crypto::Key32::generate());
        let report = crate::db::audit::verify::verify(&mut conn, &key, None, None).unwrap();
        assert!(report.ok, "{report:?}");
        assert_eq!((report.before_chain, report.checked), (2, 1));
    }
}
