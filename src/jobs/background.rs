//! The health probe (refreshes the flag `/healthz` answers from) and the last-used flusher.

use crate::state::AppState;
use actix_web::web;
use std::time::Duration;

pub const PROBE_INTERVAL: Duration = Duration::from_millis(1_000);

pub async fn run_health_probe(state: web::Data<AppState>) {
    let mut ticker = tokio::time::interval(PROBE_INTERVAL);
    loop {
        ticker.tick().await;
        let db = state.db.clone();
        // One trip to a blocking thread for both checks.
        let probe = tokio::task::spawn_blocking(move || {
            let ok = db.ping_blocking().is_ok();
            // Caches of stored data must not outlive a change made behind the server's back.
            (ok, db.notice_outside_commits())
        })
        .await;
        let ok = match probe {
            Ok((ok, watched)) => {
                if let Err(e) = watched {
                    tracing::warn!(error = %e, "could not check the database for outside changes");
                }
                ok
            }
            Err(_) => false,
        };
        if ok != state.is_healthy() {
            tracing::warn!(healthy = ok, "database health changed");
        }
        state.set_healthy(ok);
    }
}

pub async fn run_last_used_flusher(state: web::Data<AppState>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        flush_last_used(&state).await;
    }
}

pub async fn flush_last_used(state: &web::Data<AppState>) {
    let job_state = state.clone();
    match tokio::task::spawn_blocking(move || job_state.last_used.flush_blocking(&job_state.db))
        .await
    {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::debug!(tokens = n, "recorded token last-use times"),
        Ok(Err(e)) => tracing::warn!(error = %e, "could not record token last-use times"),
        Err(e) => tracing::warn!(error = %e, "last-use flush task failed"),
    }
}
