//! Runs the sweep on its cron schedule. Each run is logged; an error is logged and the loop goes
//! on, so the scheduler never dies.

use super::sweep;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::web;
use chrono::Utc;

pub async fn run_sweep_loop(state: web::Data<AppState>, schedule: cron::Schedule) {
    loop {
        let Some(next) = schedule.upcoming(Utc).next() else {
            tracing::warn!("sweep schedule has no future run; the sweep is stopped");
            return;
        };
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        sweep_now(&state).await;
    }
}

/// One sweep, off the executor, evicting swept tokens from memory.
pub async fn sweep_now(state: &web::Data<AppState>) {
    let job_state = state.clone();
    let result =
        tokio::task::spawn_blocking(move || sweep::run_once(&job_state.db, now_millis())).await;
    match result {
        Ok(Ok(report)) => {
            for id in &report.token_ids {
                state.tokens.remove(id);
                state.last_used.forget(id);
            }
            tracing::info!(
                tokens = report.tokens_deleted,
                sessions = report.sessions_deleted,
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
