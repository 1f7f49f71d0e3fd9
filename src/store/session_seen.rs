//! When each session was last seen, buffered in memory and written with the token last-use
//! times (about once a minute), so an authenticated request never writes to SQLite. A session
//! is buffered only when its stored time is a minute old or more, so the row changes at most
//! once a minute; the sessions list overlays what is buffered.

use crate::db::{sessions, Db, DbResult};
use crate::time::Millis;
use std::collections::HashMap;
use std::sync::Mutex;

/// How stale a stored last-seen time may get before a request refreshes it.
pub const RESOLUTION_MS: Millis = 60_000;

#[derive(Default)]
pub(super) struct SessionSeen {
    pending: Mutex<HashMap<[u8; 32], Millis>>,
}

impl SessionSeen {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Millis>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes a request of the session whose stored last-seen time is `stored`.
    pub(super) fn record(&self, id_hash: [u8; 32], stored: Millis, now: Millis) {
        if now - stored < RESOLUTION_MS {
            return;
        }
        self.lock().insert(id_hash, now);
    }

    pub(super) fn pending(&self, id_hash: &[u8]) -> Option<Millis> {
        let key: [u8; 32] = id_hash.try_into().ok()?;
        self.lock().get(&key).copied()
    }

    /// Drops what is buffered for sessions that ended.
    pub(super) fn forget(&self, ended: &[[u8; 32]]) {
        if ended.is_empty() {
            return;
        }
        let mut pending = self.lock();
        for hash in ended {
            pending.remove(hash);
        }
    }

    /// Writes every buffered time in one transaction (blocking); a failed write keeps them.
    pub(super) fn flush_blocking(&self, db: &Db) -> DbResult<usize> {
        let batch: Vec<([u8; 32], Millis)> = self.lock().drain().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        if let Err(e) = db.write_blocking(|tx| sessions::record_last_seen(tx, &batch)) {
            let mut pending = self.lock();
            for (hash, at) in batch {
                pending.entry(hash).or_insert(at);
            }
            return Err(e);
        }
        Ok(batch.len())
    }
}
