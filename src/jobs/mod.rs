//! Background jobs: plain `run_once` functions that take the Store, and loops that only decide
//! when to call them. No job sees `AppState`.

pub mod background;
pub mod scheduler;
pub mod sweep;

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the database answered the last probe; `/healthz` reads it without touching SQLite.
pub struct Health {
    healthy: AtomicBool,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            healthy: AtomicBool::new(true),
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
}
