//! The health probe (refreshes the flag `/healthz` answers from, and lets the Store notice
//! outside changes) and the flusher of what the Store buffers (token last-use times, and the
//! aggregate rows of spent denial-audit budgets).

use super::Health;
use crate::store::denials::Close;
use crate::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
        if ok != health.database_ok() {
            tracing::warn!(healthy = ok, "database health changed");
        }
        health.set(ok);
    }
}

pub async fn run_buffer_flusher(store: Store, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        flush_last_used(&store).await;
        close_denial_windows(&store, Close::EndedBy(Instant::now())).await;
    }
}

/// Sums up the denials that spent budgets held back, in one row per budget.
pub async fn close_denial_windows(store: &Store, close: Close) {
    let job_store = store.clone();
    match tokio::task::spawn_blocking(move || job_store.close_denial_windows_blocking(close)).await
    {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::debug!(budgets = n, "summed up held-back denial audits"),
        Ok(Err(e)) => tracing::warn!(error = %e, "could not sum up held-back denial audits"),
        Err(e) => tracing::warn!(error = %e, "denial-audit flush task failed"),
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
