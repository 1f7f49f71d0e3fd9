//! Sessions slide with activity: one unused for `ENVKEEP_SESSION_IDLE` has ended, one in use
//! still ends at `ENVKEEP_SESSION_TTL`, and the last-seen time behind it is written at most once
//! a minute, never by the request itself. The harness has no fake clock: the tests move the
//! stored times back instead, which is what the passing of time looks like to the server.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use std::time::Duration;

const MINUTE: i64 = 60_000;

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The one session of the test server (the admin's), as (id hash, stored last-seen time).
fn the_session(app: &TestApp) -> (Vec<u8>, i64) {
    app.sqlite()
        .query_row("SELECT id_hash, last_seen_at FROM sessions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

fn set_last_seen(app: &TestApp, at: i64) {
    app.sqlite()
        .execute("UPDATE sessions SET last_seen_at = ?1", [at])
        .unwrap();
}

async fn admin_status(app: &TestApp) -> StatusCode {
    app.as_admin().list_projects().await.status
}

#[tokio::test]
async fn a_session_unused_for_the_idle_time_has_ended() {
    let app = TestApp::spawn_with(|c| c.session_idle = Duration::from_secs(30 * 60)).await;
    set_last_seen(&app, now() - 29 * MINUTE);
    assert_eq!(admin_status(&app).await, StatusCode::OK, "29 minutes idle");
    set_last_seen(&app, now() - 31 * MINUTE);
    assert_eq!(
        admin_status(&app).await,
        StatusCode::OK,
        "the request a moment ago counts as activity, though not yet written"
    );
    let idle = TestApp::spawn_with(|c| c.session_idle = Duration::from_secs(30 * 60)).await;
    set_last_seen(&idle, now() - 31 * MINUTE);
    assert_eq!(admin_status(&idle).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_idle_time_is_one_hour_by_default() {
    let app = TestApp::spawn().await;
    set_last_seen(&app, now() - 59 * MINUTE);
    assert_eq!(admin_status(&app).await, StatusCode::OK);
    let idle = TestApp::spawn().await;
    set_last_seen(&idle, now() - 61 * MINUTE);
    assert_eq!(admin_status(&idle).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_in_use_still_ends_at_its_ttl() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(admin_status(&app).await, StatusCode::OK);
    }
    app.sqlite()
        .execute("UPDATE sessions SET expires_at = ?1", [now() - 1])
        .unwrap();
    assert_eq!(
        admin_status(&app).await,
        StatusCode::UNAUTHORIZED,
        "seen a moment ago, but past the absolute cap"
    );
}

#[tokio::test]
async fn last_seen_is_written_at_most_once_a_minute_and_never_by_the_request() {
    let app = TestApp::spawn().await;
    let store = &app.state.store;
    let (hash, fresh) = the_session(&app);
    let writes = store.write_count();
    for _ in 0..5 {
        assert_eq!(admin_status(&app).await, StatusCode::OK);
    }
    assert_eq!(store.write_count(), writes, "requests write nothing");
    assert_eq!(
        store.pending_session_seen(&hash),
        None,
        "a last-seen time under a minute old is not refreshed"
    );

    set_last_seen(&app, fresh - 2 * MINUTE);
    for _ in 0..5 {
        assert_eq!(admin_status(&app).await, StatusCode::OK);
    }
    assert_eq!(store.write_count(), writes, "still nothing written");
    assert!(store.pending_session_seen(&hash).is_some(), "buffered once");

    store.flush_token_uses_blocking().unwrap();
    let (_, written) = the_session(&app);
    assert!(written >= fresh, "the flush wrote the latest activity");
    assert_eq!(admin_status(&app).await, StatusCode::OK);
    assert_eq!(store.pending_session_seen(&hash), None);
    store.flush_token_uses_blocking().unwrap();
    assert_eq!(
        the_session(&app).1,
        written,
        "nothing new to write within the minute"
    );
}
