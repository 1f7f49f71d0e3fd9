//! Retention with a fake clock: `jobs::audit::run_once` is called with a `now` a year and more
//! ahead, deletes what is older than the retention in chunks, and leaves a chain that verifies.

use super::{ids, verified};
use crate::helpers::TestApp;
use envkeep::db::DbError;
use envkeep::jobs::audit::run_once;
use envkeep::service::Actor;
use envkeep::store::Touched;
use envkeep::time::now_millis;
use std::time::Duration;

const DAY: i64 = 86_400_000;
const YEAR: Duration = Duration::from_secs(365 * 86_400);

/// Writes `n` events at time `at`.
fn events_at(app: &TestApp, at: i64, n: usize) {
    app.state
        .store
        .write_blocking(|tx| {
            for i in 0..n {
                Actor::system().record(
                    tx,
                    at,
                    "test.event",
                    None,
                    serde_json::json!({ "i": i }),
                )?;
            }
            Ok::<_, DbError>(((), Touched::nothing()))
        })
        .unwrap();
}

fn count_at_or_after(app: &TestApp, at: i64) -> i64 {
    app.sqlite()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE at >= ?1 AND action = 'test.event'",
            [at],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn retention_prunes_old_events_in_chunks_and_the_rest_still_verifies() {
    let app = TestApp::spawn().await;
    let start = now_millis();
    events_at(&app, start, 7);
    events_at(&app, start + 100 * DAY, 3);
    let later = start + 400 * DAY;
    let store = app.state.store.clone();
    let report = tokio::task::spawn_blocking(move || run_once(&store, later, Some(YEAR), 2))
        .await
        .unwrap()
        .unwrap();
    // The 7 events, the genesis anchor and the admin's bootstrap rows: all older than a year.
    assert!(report.deleted >= 8, "{report:?}");
    assert_eq!(count_at_or_after(&app, start + 100 * DAY), 3);
    assert_eq!(
        count_at_or_after(&app, 0),
        3,
        "only the recent events are left"
    );
    let chunks: i64 = app
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'audit.pruned'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(chunks >= 4, "one anchored row per chunk of 2: {chunks}");
    let verdict = verified(&app).await;
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert_eq!(report.head.unwrap().1, verdict["head"].as_str().unwrap());
}

#[tokio::test]
async fn the_chain_goes_on_after_pruning_and_removing_the_oldest_kept_row_is_found() {
    let app = TestApp::spawn().await;
    let start = now_millis();
    events_at(&app, start, 3);
    events_at(&app, start + 100 * DAY, 3);
    let store = app.state.store.clone();
    tokio::task::spawn_blocking(move || run_once(&store, start + 400 * DAY, Some(YEAR), 1000))
        .await
        .unwrap()
        .unwrap();
    events_at(&app, start + 401 * DAY, 2);
    assert_eq!(verified(&app).await["ok"], true);
    let oldest_kept = ids(&app)[0];
    app.sqlite()
        .execute("DELETE FROM audit_events WHERE id = ?1", [oldest_kept])
        .unwrap();
    let verdict = verified(&app).await;
    assert_eq!(verdict["ok"], false, "{verdict}");
    assert_eq!(verdict["firstBad"], oldest_kept + 1);
}

#[tokio::test]
async fn nothing_is_pruned_within_the_retention() {
    let app = TestApp::spawn().await;
    events_at(&app, now_millis(), 3);
    let before = ids(&app).len();
    let store = app.state.store.clone();
    let report =
        tokio::task::spawn_blocking(move || run_once(&store, now_millis(), Some(YEAR), 100))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(report.deleted, 0);
    assert_eq!(ids(&app).len(), before, "no anchored row either");
}

/// A usage sum of `project` at `hour`, written as the Store's flush would.
fn usage_at(app: &TestApp, project: &str, hour: i64) {
    app.sqlite()
        .execute(
            "INSERT INTO token_usage (token_id, project_id, hour, environment, path, reads)
             VALUES (?1, ?2, ?3, 'dev', '/', 1)",
            rusqlite::params![format!("t-{project}-{hour}"), project, hour],
        )
        .unwrap();
}

fn usage_hours(app: &TestApp, project: &str) -> Vec<i64> {
    let conn = app.sqlite();
    let mut statement = conn
        .prepare("SELECT hour FROM token_usage WHERE project_id = ?1 ORDER BY hour")
        .unwrap();
    let hours = statement
        .query_map([project], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    hours
}

#[tokio::test]
async fn token_usage_is_kept_for_its_projects_history_days() {
    let app = TestApp::spawn().await;
    let short = app.create_project("short").await;
    let long = app.create_project("long").await;
    let patched = app
        .as_admin()
        .patch_json(
            &format!("/api/v1/projects/{short}"),
            serde_json::json!({ "historyDays": 10 }),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched}");
    let now = now_millis();
    for project in [&short, &long] {
        usage_at(&app, project, now - 11 * DAY);
        usage_at(&app, project, now - 9 * DAY);
    }
    let store = app.state.store.clone();
    let report = tokio::task::spawn_blocking(move || run_once(&store, now, None, 100))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.usage_deleted, 1, "{report:?}");
    assert_eq!(usage_hours(&app, &short), [now - 9 * DAY]);
    // The other project keeps the default 90 days.
    assert_eq!(usage_hours(&app, &long), [now - 11 * DAY, now - 9 * DAY]);
}
