//! `sweep::run_once` deletes what has expired, audits its counts, and commits in chunks.

use super::{expired_token, set_expiry};
use crate::helpers::TestApp;
use envkeep::jobs::sweep::{self, SweepReport};
use envkeep::time::now_millis;
use reqwest::StatusCode;
use serde_json::json;

struct Swept {
    app: TestApp,
    project: String,
    expired: String,
    keeper: String,
    report: SweepReport,
}

/// A project with a secret, an expired and a never-expiring token, an expired session; swept.
async fn swept() -> Swept {
    let app = TestApp::spawn().await;
    let project = app.create_project("Expiry").await;
    let (expired, _) = expired_token(&app, &project).await;
    let (keeper, _) = app
        .mint_scoped(&project, "forever", "dev", "/", &["read"])
        .await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    app.sqlite().execute("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) SELECT randomblob(32), id, 'x', 0, 1, 0 FROM users", []).unwrap();
    let report = sweep::run_once(&app.state.store, now_millis()).unwrap();
    Swept {
        app,
        project,
        expired,
        keeper,
        report,
    }
}

#[tokio::test]
async fn a_sweep_deletes_expired_tokens_and_sessions_and_nothing_else() {
    let s = swept().await;
    assert_eq!(s.report.tokens_deleted, 1);
    assert_eq!(s.report.sessions_deleted, 1);
    assert_eq!(
        s.app.count_rows("service_tokens"),
        1,
        "only the unexpired token is left"
    );
    let gone = s
        .app
        .as_token(&s.expired)
        .list_secrets(&s.project, "dev", "/")
        .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    let kept = s
        .app
        .as_token(&s.keeper)
        .list_secrets(&s.project, "dev", "/")
        .await;
    assert_eq!(kept.status, StatusCode::OK);
}

#[tokio::test]
async fn a_sweep_is_audited_with_its_counts() {
    let s = swept().await;
    let detail: String = s
        .app
        .sqlite()
        .query_row(
            "SELECT detail FROM audit_events WHERE action = 'sweep.expired'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail, json!({ "tokensDeleted": 1, "sessionsDeleted": 1 }));
}

#[tokio::test]
async fn a_second_sweep_finds_nothing() {
    let s = swept().await;
    let again = sweep::run_once(&s.app.state.store, now_millis()).unwrap();
    assert_eq!((again.tokens_deleted, again.sessions_deleted), (0, 0));
}

#[tokio::test]
async fn a_large_sweep_commits_in_chunks_each_with_its_own_audit_count() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Chunks").await;
    let mut ids = Vec::new();
    for _ in 0..7 {
        ids.push(expired_token(&app, &project).await.1);
    }
    // Distinct expiry times, as tokens minted at different moments have; two share one.
    let base = now_millis() - 10_000;
    for (i, id) in ids.iter().enumerate() {
        set_expiry(&app, id, base + (i.min(5) as i64) * 100);
    }
    let (_keeper, keeper_id) = app
        .mint_scoped(&project, "forever", "dev", "/", &["read"])
        .await;

    let report = sweep::run_in_chunks(&app.state.store, now_millis(), 3).unwrap();
    assert_eq!(report.tokens_deleted, 7);
    let mut swept = report.token_ids.clone();
    swept.sort();
    ids.sort();
    assert_eq!(swept, ids, "every expired token, each once");
    let left: String = app
        .sqlite()
        .query_row("SELECT id FROM service_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, keeper_id);

    let counts: Vec<i64> = app
        .sqlite()
        .prepare("SELECT detail ->> 'tokensDeleted' FROM audit_events WHERE action = 'sweep.expired' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Earliest expiry first, three per chunk; the second cut lands on an expiry two tokens
    // share, so that chunk takes four.
    assert_eq!(counts, vec![3, 4]);
}
