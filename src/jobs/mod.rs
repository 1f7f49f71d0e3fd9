//! Background jobs: plain `run_once` functions that take the Store, and loops that only decide
//! when to call them (the expiry sweep and the scheduled backups run on cron schedules). No job
//! sees `AppState`.

pub mod background;
pub mod backup;
pub mod replica;
pub mod scheduler;
pub mod sweep;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, Ordering};

/// How the last scheduled backup went, as `/healthz` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastBackup {
    /// None ran yet (or backups are off).
    None,
    Ok,
    Failed,
}

/// Whether the database answered the last probe, how the last backup went, and on a replica
/// how far behind it is; `/healthz` reads them without touching SQLite.
pub struct Health {
    healthy: AtomicBool,
    last_backup: AtomicU8,
    replica: AtomicBool,
    /// The replica's lag in seconds as the VFS last reported it; [`UNKNOWN_LAG`] before that.
    lag_secs: AtomicI64,
    /// Whether the replica is within `ENVKEEP_REPLICA_MAX_LAG` (always true on a primary).
    fresh: AtomicBool,
}

const UNKNOWN_LAG: i64 = -1;

impl Default for Health {
    fn default() -> Self {
        Self {
            healthy: AtomicBool::new(true),
            last_backup: AtomicU8::new(0),
            replica: AtomicBool::new(false),
            lag_secs: AtomicI64::new(UNKNOWN_LAG),
            fresh: AtomicBool::new(true),
        }
    }
}

/// What `/healthz` says of a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaHealth {
    /// Seconds behind the storage, as the VFS reports them; `None` before its first poll.
    pub lag_secs: Option<i64>,
    /// Within `ENVKEEP_REPLICA_MAX_LAG`.
    pub fresh: bool,
}

impl Health {
    /// The database answers and, on a replica, is within its maximum lag.
    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed) && self.fresh.load(Ordering::Relaxed)
    }

    /// Marks this server a replica (at start, before it serves).
    pub fn start_as_replica(&self) {
        self.replica.store(true, Ordering::Relaxed);
    }

    /// `None` on a primary.
    pub fn replica(&self) -> Option<ReplicaHealth> {
        self.replica.load(Ordering::Relaxed).then(|| {
            let lag = self.lag_secs.load(Ordering::Relaxed);
            ReplicaHealth {
                lag_secs: (lag != UNKNOWN_LAG).then_some(lag),
                fresh: self.fresh.load(Ordering::Relaxed),
            }
        })
    }

    /// Whether a replica may answer reads: within its maximum lag (always true on a primary).
    pub fn is_fresh(&self) -> bool {
        self.fresh.load(Ordering::Relaxed)
    }

    pub fn set_replica(&self, state: ReplicaHealth) {
        self.lag_secs
            .store(state.lag_secs.unwrap_or(UNKNOWN_LAG), Ordering::Relaxed);
        self.fresh.store(state.fresh, Ordering::Relaxed);
    }

    /// Whether the database answered the last probe.
    pub fn database_ok(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    pub fn set(&self, healthy: bool) {
        self.healthy.store(healthy, Ordering::Relaxed);
    }

    pub fn last_backup(&self) -> LastBackup {
        match self.last_backup.load(Ordering::Relaxed) {
            1 => LastBackup::Ok,
            2 => LastBackup::Failed,
            _ => LastBackup::None,
        }
    }

    pub fn set_last_backup(&self, outcome: LastBackup) {
        let value = match outcome {
            LastBackup::None => 0,
            LastBackup::Ok => 1,
            LastBackup::Failed => 2,
        };
        self.last_backup.store(value, Ordering::Relaxed);
    }
}
