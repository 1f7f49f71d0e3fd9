//! The audit log's chain as the Store serves it: verifying it, pruning it by retention.

use super::{Store, Touched};
use crate::db::audit::{prune, verify};
use crate::db::DbResult;
use crate::time::Millis;
use std::time::Instant;

impl Store {
    /// Checks the hash chain on a pooled connection, stopping at `deadline` (blocking).
    pub fn verify_audit_blocking(
        &self,
        deadline: Option<Instant>,
        expect_head: Option<[u8; 32]>,
    ) -> DbResult<verify::Verification> {
        let key = self.inner.audit_key.clone();
        self.read_blocking(|conn| verify::verify(conn, &key, deadline, expect_head))
    }

    /// One transaction of retention: deletes up to `chunk` of the oldest events written before
    /// `cutoff` and appends the `audit.pruned` row that keeps the rest verifiable (blocking).
    pub fn prune_audit_chunk_blocking(
        &self,
        cutoff: Millis,
        now: Millis,
        chunk: usize,
    ) -> DbResult<usize> {
        let key = self.inner.audit_key.clone();
        self.write_blocking(|tx| {
            let deleted = prune::prune_chunk(tx, &key, cutoff, now, chunk)?;
            Ok((deleted, Touched::nothing()))
        })
    }
}

impl Store {
    /// The id and hash of the audit log's newest row (blocking).
    pub fn audit_head_blocking(&self) -> DbResult<Option<(i64, [u8; 32])>> {
        let key = self.inner.audit_key.clone();
        self.read_blocking(|conn| crate::db::audit::chain::head(conn, &key))
    }
}

impl Store {
    /// Deletes the per-token usage sums older than their project's `historyDays` at `now`
    /// (blocking).
    pub fn prune_token_usage_blocking(&self, now: Millis) -> DbResult<usize> {
        self.write_blocking(|tx| {
            let deleted = crate::db::token_usage::prune(tx, now)?;
            Ok((deleted, Touched::nothing()))
        })
    }
}
