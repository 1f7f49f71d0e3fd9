//! Runs the sweep on its cron schedule. Each run is logged; an error is logged and the loop goes
//! on, so the scheduler never dies.

use super::sweep;
use crate::store::Store;
use crate::time::now_millis;
use chrono::Utc;

pub async fn run_sweep_loop(store: Store, schedule: cron::Schedule) {
    loop {
        let Some(next) = schedule.upcoming(Utc).next() else {
            tracing::warn!("sweep schedule has no future run; the sweep is stopped");
            return;
        };
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        sweep_now(&store).await;
    }
}

/// One sweep, off the executor (the Store evicts the swept tokens as part of the write).
pub async fn sweep_now(store: &Store) {
    let job_store = store.clone();
    let started = std::time::Instant::now();
    let result =
        tokio::task::spawn_blocking(move || sweep::run_once(&job_store, now_millis())).await;
    match result {
        Ok(Ok(report)) => {
            // The duration covers the transactions and their evictions (the load benchmark reads it).
            let duration_ms = started.elapsed().as_millis() as u64;
            tracing::info!(
                tokens = report.tokens_deleted,
                sessions = report.sessions_deleted,
                duration_ms,
                "expiry sweep ran"
            );
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "expiry sweep failed; will retry at the next scheduled time")
        }
        Err(e) => {
            tracing::error!(error = %e, "expiry sweep task panicked; will retry at the next scheduled time")
        }
    }
}
