//! Background jobs: plain `run_once` functions that take the Store, and loops that only decide
//! when to call them (the expiry sweep and the scheduled backups run on cron schedules). No job
//! sees `AppState`.

pub mod background;
pub mod backup;
pub mod retention;
pub mod scheduler;
pub mod sweep;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// How the last scheduled backup went, as `/healthz` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastBackup {
    /// None ran yet (or backups are off).
    None,
    Ok,
    Failed,
}

/// Whether the database answered the last probe, and how the last backup went; `/healthz` reads
/// both without touching SQLite.
pub struct Health {
    healthy: AtomicBool,
    last_backup: AtomicU8,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            healthy: AtomicBool::new(true),
            last_backup: AtomicU8::new(0),
        }
    }
}

impl Health {
    pub fn is_healthy(&self) -> bool {
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
