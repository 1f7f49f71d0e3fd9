//! A read replica's watcher: follows the replica's position (the Store clears its caches when
//! it moves, so a revocation replicated from the primary takes effect at once) and keeps the
//! lag `/healthz` reports and the replica's reads depend on.

use super::{Health, ReplicaHealth};
use crate::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the position is read: a local call (no storage request), so well below the VFS's
/// poll interval; a change the VFS fetched is acted on within this.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(100);

/// Whether a lag is within `max_lag`. Before the VFS's first poll it reports none; the
/// replica counts as fresh then only while it has been up for less than `max_lag` (it read
/// the storage when it opened).
pub fn fresh(lag_secs: Option<i64>, up_for: Duration, max_lag: Duration) -> bool {
    match lag_secs {
        Some(lag) => u64::try_from(lag).is_ok_and(|lag| Duration::from_secs(lag) <= max_lag),
        None => up_for <= max_lag,
    }
}

pub async fn run_replica_watch(store: Store, health: Arc<Health>, max_lag: Duration) {
    let started = Instant::now();
    let mut ticker = tokio::time::interval(FOLLOW_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let follower = store.clone();
        let position = tokio::task::spawn_blocking(move || follower.follow_replica_blocking())
            .await
            .ok()
            .flatten();
        let state = match position {
            Some(Ok(position)) => ReplicaHealth {
                lag_secs: position.lag_secs,
                fresh: fresh(position.lag_secs, started.elapsed(), max_lag),
            },
            Some(Err(e)) => {
                tracing::warn!(error = %e, "cannot read the replica's position");
                ReplicaHealth {
                    lag_secs: health.replica().and_then(|r| r.lag_secs),
                    fresh: false,
                }
            }
            None => return,
        };
        let was_fresh = health.is_fresh();
        if state.fresh != was_fresh {
            tracing::warn!(fresh = state.fresh, lag_secs = ?state.lag_secs, max_lag_secs = max_lag.as_secs(), "replica freshness changed");
        }
        health.set_replica(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lag_over_the_maximum_is_stale_and_an_unknown_one_only_after_the_maximum() {
        let max = Duration::from_secs(10);
        assert!(fresh(Some(0), Duration::from_secs(60), max));
        assert!(fresh(Some(10), Duration::from_secs(60), max));
        assert!(!fresh(Some(11), Duration::from_secs(60), max));
        assert!(fresh(None, Duration::from_secs(3), max));
        assert!(!fresh(None, Duration::from_secs(11), max));
    }
}
