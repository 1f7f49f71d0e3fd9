//! The health probe (refreshes the flag `/healthz` answers from, and lets the Store notice
//! outside changes) and the last-used flusher.

use super::Health;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;

/// At least once a second, so a change made behind the server's back clears the caches within
/// a second or two.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(1_000);

pub async fn run_health_probe(store: Store, health: Arc<Health>) {
    let mut ticker = tokio::time::interval(PROBE_INTERVAL);
    loop {
        ticker.tick().await;
        let probed = store.clone();
        // One trip to a blocking thread for both checks; the outside-change check first, since
        // the ping may wait for a free pooled connection.
        let probe = tokio::task::spawn_blocking(move || {
            probed.notice_outside_changes_blocking();
            probed.ping_blocking().is_ok()
        })
        .await;
        let ok = probe.unwrap_or(false);
        if ok != health.is_healthy() {
            tracing::warn!(healthy = ok, "database health changed");
        }
        health.set(ok);
    }
}

pub async fn run_last_used_flusher(store: Store, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        flush_last_used(&store).await;
    }
}

pub async fn flush_last_used(store: &Store) {
    let job_store = store.clone();
    match tokio::task::spawn_blocking(move || job_store.flush_token_uses_blocking()).await {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::debug!(tokens = n, "recorded token last-use times"),
        Ok(Err(e)) => tracing::warn!(error = %e, "could not record token last-use times"),
        Err(e) => tracing::warn!(error = %e, "last-use flush task failed"),
    }
}
