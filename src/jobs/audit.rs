//! The audit log's hourly job: retention (`ENVKEEP_AUDIT_RETENTION`, and the per-token usage
//! kept for the project's history), pruned a chunk per
//! transaction so it never holds the write lock for long, then the chain head, which the
//! scheduler logs so that removing the newest rows can later be caught with
//! `envkeep audit verify --expect-head`.

use crate::db::DbError;
use crate::store::Store;
use crate::time::Millis;
use std::time::Duration;

/// Events deleted per transaction.
pub const CHUNK: usize = 5_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditReport {
    pub deleted: usize,
    /// Per-token usage sums deleted (older than their project's `historyDays`).
    pub usage_deleted: usize,
    /// The id and hash (hex) of the newest row after pruning.
    pub head: Option<(i64, String)>,
}

/// Prunes events older than `retention` (none when `None`) at `now`, then reads the head
/// (blocking; call from a blocking thread).
pub fn run_once(
    store: &Store,
    now: Millis,
    retention: Option<Duration>,
    chunk: usize,
) -> Result<AuditReport, DbError> {
    let mut report = AuditReport::default();
    if let Some(retention) = retention {
        let cutoff = now.saturating_sub(retention.as_millis().min(i64::MAX as u128) as i64);
        loop {
            let deleted = store.prune_audit_chunk_blocking(cutoff, now, chunk.max(1))?;
            report.deleted += deleted;
            if deleted < chunk.max(1) {
                break;
            }
        }
    }
    report.usage_deleted = store.prune_token_usage_blocking(now)?;
    report.head = store
        .audit_head_blocking()?
        .map(|(id, hash)| (id, hex::encode(hash)));
    Ok(report)
}
