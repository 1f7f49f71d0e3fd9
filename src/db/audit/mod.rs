//! The audit trail: who did what, when, from where. Never a secret value or token material.

pub mod chain;
pub mod list;
pub mod prune;
pub mod verify;

use super::DbResult;
use crate::domain::ClientAddr;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};

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

/// One stored row, every column, as the chain and the readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    pub id: i64,
    pub at: Millis,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub action: String,
    pub project_id: Option<String>,
    /// The stored JSON text.
    pub detail: String,
    pub ip: Option<String>,
    /// None before the chain (and for the genesis anchor, whose hash is computed).
    pub hash: Option<Vec<u8>>,
}

/// Every column, in [`StoredRow::from_sql`]'s order.
pub(crate) const SELECT_ROW: &str = "SELECT id, at, actor_kind, actor_id, actor_name, action, \
     project_id, detail, ip, hash FROM audit_events";

impl StoredRow {
    pub(crate) fn from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            at: r.get(1)?,
            actor_kind: r.get(2)?,
            actor_id: r.get(3)?,
            actor_name: r.get(4)?,
            action: r.get(5)?,
            project_id: r.get(6)?,
            detail: r.get(7)?,
            ip: r.get(8)?,
            hash: r.get(9)?,
        })
    }
}

/// The actor's name now, kept in the row so a deleted user or token keeps it: a user's e-mail,
/// a service token's name; none for the server itself or an unknown caller.
fn actor_name(conn: &Connection, kind: &str, id: Option<&str>) -> DbResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    let sql = match kind {
        "user" => "SELECT email FROM users WHERE id = ?1",
        "service_token" => "SELECT name FROM service_tokens WHERE id = ?1",
        _ => return Ok(None),
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Appends `event` to the log, linked into the hash chain (see [`chain`]). Only the writer of
/// a `Db` given its audit key can: anywhere else this fails rather than write an unchained row.
pub fn insert(conn: &Connection, event: &AuditEvent) -> DbResult<()> {
    let mut row = StoredRow {
        id: 0,
        at: event.at,
        actor_kind: event.actor_kind.to_owned(),
        actor_id: event.actor_id.clone(),
        actor_name: actor_name(conn, event.actor_kind, event.actor_id.as_deref())?,
        action: event.action.to_owned(),
        project_id: event.project_id.clone(),
        detail: event.detail.to_string(),
        ip: event.ip.clone(),
        hash: None,
    };
    chain::append(conn, &mut row)?;
    conn.prepare_cached(
        "INSERT INTO audit_events (id, at, actor_kind, actor_id, actor_name, action, project_id,
             detail, ip, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        row.id,
        row.at,
        row.actor_kind,
        row.actor_id,
        row.actor_name,
        row.action,
        row.project_id,
        row.detail,
        row.ip,
        row.hash
    ])?;
    Ok(())
}
