//! The audit trail: who did what, when, from where. Never a secret value or token material.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection};

#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at: Millis,
    pub actor_kind: &'static str,
    pub actor_id: Option<String>,
    pub action: &'static str,
    pub project_id: Option<String>,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
}

pub fn insert(conn: &Connection, event: &AuditEvent) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit_events (at, actor_kind, actor_id, action, project_id, detail, ip)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        event.at,
        event.actor_kind,
        event.actor_id,
        event.action,
        event.project_id,
        event.detail.to_string(),
        event.ip
    ])?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: Millis,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub project_id: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

/// The newest events first, optionally for one project.
pub fn recent(conn: &Connection, project_id: Option<&str>, limit: i64) -> DbResult<Vec<AuditRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor_kind, actor_id, action, project_id, detail, ip FROM audit_events
         WHERE ?1 IS NULL OR project_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![project_id, limit], |r| {
        Ok(AuditRow {
            at: r.get(0)?,
            actor_kind: r.get(1)?,
            actor_id: r.get(2)?,
            action: r.get(3)?,
            project_id: r.get(4)?,
            detail: r.get(5)?,
            ip: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
