//! Retention: deletes the oldest rows of the audit log, a chunk per transaction, and appends
//! an `audit.pruned` row that says where the rest of the chain resumes (the id and hash of the
//! last row deleted), so what is left still verifies.
//!
//! Only a prefix in id order is ever deleted: the walk stops at the first row not older than
//! the cut, even if later rows are older (clocks step back), so the chain never gets holes.

use super::chain::{chained_hash, PRUNED};
use super::{insert, AuditEvent, StoredRow, SELECT_ROW};
use crate::crypto::chain::ChainKey;
use crate::db::DbResult;
use crate::time::{rfc3339, Millis};
use rusqlite::Connection;

/// Deletes up to `chunk` of the oldest rows written before `cutoff` and records it in the chain
/// at `now`; returns how many it deleted (0: nothing to do, and nothing written).
pub fn prune_chunk(
    tx: &Connection,
    key: &ChainKey,
    cutoff: Millis,
    now: Millis,
    chunk: usize,
) -> DbResult<usize> {
    let oldest: Vec<StoredRow> = tx
        .prepare(&format!("{SELECT_ROW} ORDER BY id LIMIT ?1"))?
        .query_map([chunk as i64], StoredRow::from_sql)?
        .collect::<Result<_, _>>()?;
    let doomed = oldest.iter().take_while(|row| row.at < cutoff).count();
    let Some(last) = doomed.checked_sub(1).map(|i| &oldest[i]) else {
        return Ok(0);
    };
    tx.prepare_cached("DELETE FROM audit_events WHERE id <= ?1")?
        .execute([last.id])?;
    let resume = chained_hash(key, last).map(hex::encode);
    insert(
        tx,
        &AuditEvent {
            at: now,
            actor_kind: "system",
            actor_id: None,
            action: PRUNED,
            project_id: None,
            detail: serde_json::json!({
                "deleted": doomed,
                "before": rfc3339(cutoff),
                "lastDeletedId": last.id,
                "resumeHash": resume,
            }),
            ip: None,
        },
    )?;
    Ok(doomed)
}
