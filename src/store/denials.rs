//! Audit rows for denied service-token uses, at most a fixed number per minute, so a flood of bad
//! tokens cannot grow the audit table without bound (the excess is counted in the log).

use crate::db::audit::{self, AuditEvent};
use crate::db::Db;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PER_MINUTE: u32 = 60;

pub(super) struct DenialAudit {
    window: Mutex<(Instant, u32)>,
}

impl Default for DenialAudit {
    fn default() -> Self {
        Self {
            window: Mutex::new((Instant::now(), 0)),
        }
    }
}

impl DenialAudit {
    fn admit(&self) -> bool {
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        if window.0.elapsed() >= Duration::from_secs(60) {
            if window.1 > PER_MINUTE {
                tracing::warn!(
                    dropped = window.1 - PER_MINUTE,
                    "denied token uses not audited (rate limit)"
                );
            }
            *window = (Instant::now(), 0);
        }
        window.1 = window.1.saturating_add(1);
        window.1 <= PER_MINUTE
    }

    /// Records the event in the background unless this minute's quota is used up.
    pub(super) fn record(&self, db: &Db, event: AuditEvent) {
        if !self.admit() {
            return;
        }
        let db = db.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = db.write_blocking(|tx| audit::insert(tx, &event)) {
                tracing::warn!(error = %e, "could not audit a denied token use");
            }
        });
    }
}
