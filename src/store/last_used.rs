//! Last-use times of service tokens, buffered in memory and written at most once per flush
//! interval (about a minute), so reading secrets never writes to SQLite. Readers of token
//! metadata overlay the buffered values, so the API shows a use at once; shutdown flushes.

use crate::db::{tokens, Db, DbResult};
use crate::time::Millis;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Addresses are kept as `IpAddr` and printed only when read or written: recording a use is on
/// every token request. A use by an unknown client (behind a proxy that forwarded garbage) has
/// no address.
#[derive(Default)]
pub(super) struct LastUsed {
    pending: Mutex<HashMap<String, (Millis, Option<IpAddr>)>>,
}

impl LastUsed {
    pub(super) fn record(&self, token_id: &str, at: Millis, ip: Option<IpAddr>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        match pending.get_mut(token_id) {
            Some(entry) => *entry = (at, ip),
            None => {
                pending.insert(token_id.to_owned(), (at, ip));
            }
        }
    }

    /// The buffered use of a token not yet written, if any.
    pub(super) fn pending(&self, token_id: &str) -> Option<(Millis, Option<String>)> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token_id)
            .map(|(at, ip)| (*at, ip.map(|ip| ip.to_string())))
    }

    /// Drops the buffered uses of tokens revoked or swept (a deleted project's tokens are gone
    /// with it; their buffered uses then update no row).
    pub(super) fn forget(&self, eviction: &super::eviction::Eviction) {
        if eviction.tokens.is_empty() {
            return;
        }
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for id in &eviction.tokens {
            pending.remove(id);
        }
    }

    /// Writes every buffered use in one transaction (blocking; call from a blocking thread).
    pub(super) fn flush_blocking(&self, db: &Db) -> DbResult<usize> {
        let batch: Vec<(String, Millis, Option<IpAddr>)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.drain().map(|(id, (at, ip))| (id, at, ip)).collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let written = batch.len();
        if let Err(e) = db.write_blocking(|tx| tokens::record_last_used(tx, &batch)) {
            // Keep the uses for the next flush (unless a newer one arrived meanwhile), so a busy
            // or failing database delays the record instead of losing it.
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            for (id, at, ip) in batch {
                pending.entry(id).or_insert((at, ip));
            }
            return Err(e);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DbError, Durability};

    #[test]
    fn a_failed_flush_keeps_the_uses_for_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("envkeep.db"), Durability::Normal).unwrap();
        // Without the table every write fails, as on a read-only or broken disk.
        db.write_blocking(|c| {
            c.execute_batch("PRAGMA foreign_keys = OFF; DROP TABLE service_tokens;")
                .map_err(DbError::from)
        })
        .unwrap();
        let uses = LastUsed::default();
        uses.record("t1", 1_000, "127.0.0.1".parse().ok());
        uses.record("t2", 2_000, "127.0.0.2".parse().ok());
        assert!(uses.flush_blocking(&db).is_err());
        assert_eq!(
            uses.pending("t1"),
            Some((1_000, Some(String::from("127.0.0.1"))))
        );
        // A newer use recorded after the failed flush wins over the kept one.
        uses.record("t2", 3_000, "127.0.0.3".parse().ok());
        assert!(uses.flush_blocking(&db).is_err());
        assert_eq!(
            uses.pending("t2"),
            Some((3_000, Some(String::from("127.0.0.3"))))
        );
    }
}
