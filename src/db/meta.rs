//! Schema facts and the sealed root-key check value.

use super::DbResult;
use rusqlite::{Connection, OptionalExtension};

pub const ROOT_KEY_CHECK: &str = "root_key_check";

pub fn get(conn: &Connection, key: &str) -> DbResult<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &[u8]) -> DbResult<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value],
    )?;
    Ok(())
}
