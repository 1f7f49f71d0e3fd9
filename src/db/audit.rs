//! The audit trail: who did what, when, from where. Never a secret value or token material.

use super::DbResult;
use crate::domain::ClientAddr;
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

impl AuditEvent {
    /// Sets where the event came from: the `ip` column holds an address and nothing else, so
    /// an unknown client leaves it empty and what its proxy sent goes into `detail.ipRaw`.
    pub fn from_client(mut self, client: &ClientAddr) -> Self {
        match client {
            ClientAddr::Ip(ip) => self.ip = Some(ip.to_string()),
            ClientAddr::Unknown(raw) => {
                self.ip = None;
                if let Some(detail) = self.detail.as_object_mut() {
                    detail.insert(String::from("ipRaw"), raw.clone().into());
                }
            }
        }
        self
    }
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
