//! Runs the sweep and the backups on their cron schedules. Each run is logged; an error is
//! logged and the loop goes on, so the scheduler never dies.

use super::{audit, backup, retention, sweep, Health, LastBackup};
use crate::config::Backups;
use crate::store::Store;
use crate::time::now_millis;
use chrono::Utc;
use std::sync::Arc;

/// Sleeps until the schedule's next time; false when it has none.
async fn until_next(schedule: &cron::Schedule) -> bool {
    let Some(next) = schedule.upcoming(Utc).next() else {
        return false;
    };
    let wait = (next - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    true
}

pub async fn run_sweep_loop(store: Store, schedule: cron::Schedule) {
    while until_next(&schedule).await {
        sweep_now(&store).await;
        prune_history_now(&store).await;
    }
    tracing::warn!("sweep schedule has no future run; the sweep is stopped");
}

pub async fn run_backup_loop(store: Store, health: Arc<Health>, backups: Backups) {
    while until_next(&backups.schedule).await {
        backup_now(&store, &health, &backups).await;
    }
    tracing::warn!("backup schedule has no future run; scheduled backups are stopped");
}

/// One backup, off the executor; its outcome goes to the log and to `/healthz`.
pub async fn backup_now(store: &Store, health: &Health, backups: &Backups) {
    let (job_store, dir, keep) = (store.clone(), backups.dir.clone(), backups.keep);
    let started = std::time::Instant::now();
    let result =
        tokio::task::spawn_blocking(move || backup::run_once(&job_store, &dir, keep, Utc::now()))
            .await
            .unwrap_or_else(|e| Err(format!("the backup task panicked: {e}")));
    match result {
        Ok(report) => {
            health.set_last_backup(LastBackup::Ok);
            tracing::info!(
                file = %report.file.display(),
                removed = report.removed,
                duration_ms = started.elapsed().as_millis() as u64,
                "backup written and verified"
            );
        }
        Err(e) => {
            health.set_last_backup(LastBackup::Failed);
            tracing::error!(error = %e, "scheduled backup failed; will retry at the next scheduled time");
        }
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

/// One history retention run, off the executor, on the sweep's schedule.
pub async fn prune_history_now(store: &Store) {
    let job_store = store.clone();
    let result =
        tokio::task::spawn_blocking(move || retention::run_once(&job_store, now_millis())).await;
    match result {
        Ok(Ok(removed)) => tracing::info!(removed, "history retention ran"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "history retention failed; will retry at the next scheduled time")
        }
        Err(e) => tracing::error!(error = %e, "the history retention task panicked"),
    }
}

/// How often the audit job runs (retention, and the chain head in the log).
pub const AUDIT_EVERY: std::time::Duration = std::time::Duration::from_secs(3_600);

/// Runs the audit job a minute after start (out of start-up's way) and then hourly.
pub async fn run_audit_loop(store: Store, retention: Option<std::time::Duration>) {
    let first = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut ticker = tokio::time::interval_at(first, AUDIT_EVERY);
    loop {
        ticker.tick().await;
        audit_now(&store, retention).await;
    }
}

/// One run of the audit job, off the executor; logs the chain head for `--expect-head`.
pub async fn audit_now(store: &Store, retention: Option<std::time::Duration>) {
    let job_store = store.clone();
    let result = tokio::task::spawn_blocking(move || {
        audit::run_once(&job_store, now_millis(), retention, audit::CHUNK)
    })
    .await;
    match result {
        Ok(Ok(report)) => {
            if report.deleted > 0 {
                tracing::info!(
                    deleted = report.deleted,
                    "audit retention pruned old events"
                );
            }
            if let Some((id, hash)) = report.head {
                tracing::info!(audit_head_id = id, audit_head = %hash, "audit chain head");
            }
        }
        Ok(Err(e)) => tracing::error!(error = %e, "audit job failed; will retry in an hour"),
        Err(e) => tracing::error!(error = %e, "audit job panicked; will retry in an hour"),
    }
}
