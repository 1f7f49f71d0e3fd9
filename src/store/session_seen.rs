//! When each session was last seen, buffered in memory and written with the token last-use
//! times (about once a minute), so an authenticated request never writes to SQLite. A session
//! is buffered only when its stored time is a minute old or more, so the row changes at most
//! once a minute; the sessions list overlays what is buffered.
//!
//! The idle expiry (`ENVKEEP_SESSION_IDLE`) reads the same times: a session's last activity is
//! the later of its stored time and what is buffered here, so it slides with every request
//! without a write per request, and may end up to one resolution early (never late).

use crate::db::{sessions, Db, DbResult};
use crate::time::Millis;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

/// How stale a stored last-seen time may get before a request refreshes it.
pub const RESOLUTION_MS: Millis = 60_000;

/// The idle expiry until start-up sets it (`ENVKEEP_SESSION_IDLE`'s default).
const DEFAULT_IDLE_MS: Millis = 3_600_000;

pub(super) struct SessionSeen {
    pending: Mutex<HashMap<[u8; 32], Millis>>,
    idle_ms: AtomicI64,
}

impl Default for SessionSeen {
    fn default() -> Self {
        Self {
            pending: Mutex::default(),
            idle_ms: AtomicI64::new(DEFAULT_IDLE_MS),
        }
    }
}

impl SessionSeen {
    pub(super) fn set_idle(&self, idle_ms: Millis) {
        self.idle_ms.store(idle_ms, Ordering::Relaxed);
    }

    /// The session's last activity: its stored time, or a later one not yet written.
    pub(super) fn last_seen(&self, id_hash: &[u8], stored: Millis) -> Millis {
        self.pending(id_hash)
            .map_or(stored, |pending| pending.max(stored))
    }

    /// Has the session, last seen (stored) at `stored`, gone unused for the idle expiry?
    pub(super) fn is_idle(&self, id_hash: &[u8], stored: Millis, now: Millis) -> bool {
        now - self.last_seen(id_hash, stored) >= self.idle_ms.load(Ordering::Relaxed)
    }

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
