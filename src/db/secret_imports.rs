//! Secret imports: the folders whose secrets another folder's reads may include, in order.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// One import as stored, with the environments named by slug and the imported folder's id
/// (none when that folder is gone: only possible through an outside change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub id: String,
    pub environment: String,
    pub path: String,
    pub import_environment: String,
    pub import_path: String,
    pub import_folder_id: Option<String>,
    pub position: i64,
    pub created_at: Millis,
}

const SELECT: &str =
    "SELECT i.id, e.slug, i.path, s.slug, i.import_path, f.id, i.position, i.created_at
     FROM secret_imports i
     JOIN environments e ON e.id = i.environment_id
     JOIN environments s ON s.id = i.import_environment_id
     LEFT JOIN folders f ON f.environment_id = i.import_environment_id AND f.path = i.import_path";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ImportRow> {
    Ok(ImportRow {
        id: r.get(0)?,
        environment: r.get(1)?,
        path: r.get(2)?,
        import_environment: r.get(3)?,
        import_path: r.get(4)?,
        import_folder_id: r.get(5)?,
        position: r.get(6)?,
        created_at: r.get(7)?,
    })
}

/// Every import of the project, by importing environment slug, path and position.
pub fn in_project(conn: &Connection, project_id: &str) -> DbResult<Vec<ImportRow>> {
    let sql = format!("{SELECT} WHERE i.project_id = ?1 ORDER BY e.slug, i.path, i.position");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([project_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find(conn: &Connection, project_id: &str, id: &str) -> DbResult<Option<ImportRow>> {
    let sql = format!("{SELECT} WHERE i.project_id = ?1 AND i.id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([project_id, id], from_row)
        .optional()?)
}

pub struct NewImport<'a> {
    pub id: &'a str,
    pub project_id: &'a str,
    pub environment_id: &'a str,
    pub path: &'a str,
    pub import_environment_id: &'a str,
    pub import_path: &'a str,
    pub created_at: Millis,
}

/// Inserts the import last in its folder's order; returns its position.
pub fn insert(conn: &Connection, new: &NewImport<'_>) -> DbResult<i64> {
    let position: i64 = conn.query_row(
        "SELECT coalesce(max(position), 0) + 1 FROM secret_imports WHERE environment_id = ?1 AND path = ?2",
        params![new.environment_id, new.path],
        |r| r.get(0),
    )?;
    conn.prepare_cached(
        "INSERT INTO secret_imports (id, project_id, environment_id, path, import_environment_id, import_path, position, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        new.id,
        new.project_id,
        new.environment_id,
        new.path,
        new.import_environment_id,
        new.import_path,
        position,
        new.created_at
    ])?;
    Ok(position)
}

pub fn count_in_folder(conn: &Connection, environment_id: &str, path: &str) -> DbResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM secret_imports WHERE environment_id = ?1 AND path = ?2",
        params![environment_id, path],
        |r| r.get(0),
    )?)
}

/// Deletes the import; returns whether it existed.
pub fn delete(conn: &Connection, project_id: &str, id: &str) -> DbResult<bool> {
    Ok(conn.execute(
        "DELETE FROM secret_imports WHERE project_id = ?1 AND id = ?2",
        params![project_id, id],
    )? > 0)
}

/// Gives each import of the folder its place in `ordered` (ids), numbered from 1.
pub fn renumber(conn: &Connection, ordered: &[String]) -> DbResult<()> {
    let mut stmt = conn.prepare_cached("UPDATE secret_imports SET position = ?2 WHERE id = ?1")?;
    for (i, id) in ordered.iter().enumerate() {
        stmt.execute(params![id, i as i64 + 1])?;
    }
    Ok(())
}

/// Imports of environment `import_env_id` (of folder `path` and everything below it when a path
/// is given) listed by folders outside what would be deleted with it.
pub fn importers_from_outside(
    conn: &Connection,
    import_env_id: &str,
    path: Option<&str>,
) -> DbResult<Vec<ImportRow>> {
    let sql = format!(
        "{SELECT} WHERE i.import_environment_id = ?1
           AND (?2 IS NULL OR i.import_path = ?2 OR substr(i.import_path, 1, length(?3)) = ?3)
           AND NOT (i.environment_id = ?1
                    AND (?2 IS NULL OR i.path = ?2 OR substr(i.path, 1, length(?3)) = ?3))
         ORDER BY e.slug, i.path, i.position"
    );
    let prefix = path.map(|p| format!("{}/", p.trim_end_matches('/')));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![import_env_id, path, prefix], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
