use crate::legacy_helpers::*;
use envkeep::jobs::sweep;
use envkeep::time::now_millis;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn expire(app: &TestApp, token_id: &str) {
    let changed = app
        .sqlite()
        .execute(
            "UPDATE service_tokens SET expires_at = ?2 WHERE id = ?1",
            rusqlite::params![token_id, now_millis() - 1_000],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

fn token_count(app: &TestApp) -> i64 {
    app.sqlite()
        .query_row("SELECT count(*) FROM service_tokens", [], |r| r.get(0))
        .unwrap()
}

async fn expiring_token(app: &TestApp, project: &str) -> (String, String) {
    // Expiry is fixed at minting (60 s at least); the test moves it into the past in the file
    // before the token's first use, as the passage of time would.
    let (token, id) = app
        .mint(project, json!({ "name": "short", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": 60 }))
        .await;
    expire(app, &id);
    (token, id)
}

#[tokio::test]
async fn an_expired_token_is_refused_before_the_sweep_and_gone_after_run_once() {
    let app = spawn_app().await;
    let project = app.create_project("Expiry").await;
    let (token, _) = expiring_token(&app, &project).await;
    let (keeper, _) = app
        .mint_scoped(&project, "forever", "dev", "/", &["read"])
        .await;
    let read = format!("/api/v1/projects/{project}/secrets?environment=dev");
    let (status, json) = app.bearer(Method::GET, &read, &token).answer().await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(json["message"], "Service token has expired");
    let wrong_secret = format!("st.{}.{}", token.split('.').nth(1).unwrap(), "0".repeat(32));
    let (status, json) = app.bearer(Method::GET, &read, &wrong_secret).answer().await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_ne!(
        json["message"], "Service token has expired",
        "only the secret's holder learns of the expiry"
    );

    let (_, list) = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .answer()
        .await;
    let expired: Vec<bool> = list["serviceTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["expired"].as_bool().unwrap())
        .collect();
    assert!(
        expired.contains(&true) && expired.contains(&false),
        "expired tokens stay listed until swept: {list}"
    );

    app.create_secret(&project, "dev", "/", "K", "v").await;
    app.sqlite().execute("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) SELECT randomblob(32), id, 'x', 0, 1, 0 FROM users", []).unwrap();
    let report = sweep::run_once(&app.state.store, now_millis()).unwrap();
    assert_eq!(report.tokens_deleted, 1);
    assert_eq!(report.sessions_deleted, 1);
    assert_eq!(token_count(&app), 1, "only the unexpired token is left");
    let (status, _) = app.bearer(Method::GET, &read, &token).answer().await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.bearer(Method::GET, &read, &keeper)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let detail: String = app
        .sqlite()
        .query_row(
            "SELECT detail FROM audit_events WHERE action = 'sweep.expired'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail, json!({ "tokensDeleted": 1, "sessionsDeleted": 1 }));
    let again = sweep::run_once(&app.state.store, now_millis()).unwrap();
    assert_eq!((again.tokens_deleted, again.sessions_deleted), (0, 0));
}

#[tokio::test]
async fn the_scheduled_sweep_runs_on_a_one_second_schedule() {
    let app = spawn_app_with(&["--sweep-schedule", "* * * * * *"]).await;
    let project = app.create_project("Scheduled").await;
    let (_, id) = expiring_token(&app, &project).await;
    eventually("the scheduled sweep deletes the expired token", || {
        app.sqlite()
            .query_row(
                "SELECT count(*) FROM service_tokens WHERE id = ?1",
                [&id],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 0
    })
    .await;
}

#[tokio::test]
async fn a_large_sweep_commits_in_chunks_each_with_its_own_audit_count() {
    let app = spawn_app().await;
    let project = app.create_project("Chunks").await;
    let mut ids = Vec::new();
    for _ in 0..7 {
        ids.push(expiring_token(&app, &project).await.1);
    }
    // Distinct expiry times, as tokens minted at different moments have; two share one.
    let base = now_millis() - 10_000;
    for (i, id) in ids.iter().enumerate() {
        app.sqlite()
            .execute(
                "UPDATE service_tokens SET expires_at = ?2 WHERE id = ?1",
                rusqlite::params![id, base + (i.min(5) as i64) * 100],
            )
            .unwrap();
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
    assert_eq!(token_count(&app), 1);
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
