//! Reading the audit log: filtered pages, newest first, by the integer id (a cursor is the id of
//! the last row of the previous page), and the oldest-first walk of an export.

use super::{StoredRow, SELECT_ROW};
use crate::db::DbResult;
use crate::time::Millis;
use rusqlite::types::Value;
use rusqlite::Connection;

/// What a page of the log is limited to; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these projects' events (a project admin's view); `None` is every event.
    pub projects: Option<Vec<String>>,
    pub project_id: Option<String>,
    pub actor_kind: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    /// `at` from (inclusive) and to (exclusive), in milliseconds.
    pub from: Option<Millis>,
    pub to: Option<Millis>,
}

impl Filter {
    fn clauses(&self) -> (Vec<String>, Vec<Value>) {
        let mut clauses = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut add = |clause: &str, value: Value| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(id) = &self.project_id {
            add("project_id = ?", Value::Text(id.clone()));
        }
        if let Some(kind) = &self.actor_kind {
            add("actor_kind = ?", Value::Text(kind.clone()));
        }
        if let Some(id) = &self.actor_id {
            add("actor_id = ?", Value::Text(id.clone()));
        }
        if let Some(action) = &self.action {
            add("action = ?", Value::Text(action.clone()));
        }
        if let Some(from) = self.from {
            add("at >= ?", Value::Integer(from));
        }
        if let Some(to) = self.to {
            add("at < ?", Value::Integer(to));
        }
        if let Some(projects) = &self.projects {
            // JSON keeps the statement's text fixed whatever the number of projects.
            let list = serde_json::to_string(projects).unwrap_or_else(|_| String::from("[]"));
            add(
                "project_id IN (SELECT value FROM json_each(?))",
                Value::Text(list),
            );
        }
        (clauses, values)
    }
}

/// Up to `limit` events matching `filter` with ids below `before` (all when `None`), newest
/// first.
pub fn page(
    conn: &Connection,
    filter: &Filter,
    before: Option<i64>,
    limit: usize,
) -> DbResult<Vec<StoredRow>> {
    let (mut clauses, mut values) = filter.clauses();
    if let Some(before) = before {
        values.push(Value::Integer(before));
        clauses.push(format!("id < ?{}", values.len()));
    }
    values.push(Value::Integer(limit as i64));
    let sql = format!(
        "{SELECT_ROW}{}{} ORDER BY id DESC LIMIT ?{}",
        if clauses.is_empty() { "" } else { " WHERE " },
        clauses.join(" AND "),
        values.len()
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(values), StoredRow::from_sql)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Calls `each` on every event with `from <= at < to`, oldest first, reading a chunk at a time.
pub fn each_between(
    conn: &mut Connection,
    from: Millis,
    to: Millis,
    mut each: impl FnMut(&StoredRow) -> std::io::Result<()>,
) -> DbResult<u64> {
    let tx = conn.transaction()?;
    let mut statement = tx.prepare(&format!(
        "{SELECT_ROW} WHERE id > ?1 AND at >= ?2 AND at < ?3 ORDER BY id LIMIT 1000"
    ))?;
    let (mut after, mut written) = (0i64, 0u64);
    loop {
        let rows: Vec<StoredRow> = statement
            .query_map([after, from, to], StoredRow::from_sql)?
            .collect::<Result<_, _>>()?;
        let Some(last) = rows.last() else {
            return Ok(written);
        };
        after = last.id;
        for row in &rows {
            each(row).map_err(|e| crate::db::DbError::Other(format!("cannot write: {e}")))?;
            written += 1;
        }
    }
}
