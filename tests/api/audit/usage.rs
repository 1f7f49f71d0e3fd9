//! Per-token usage: counted in memory on the request (no database write per read), shown by
//! `GET …/service-tokens/{tokenId}/usage` before and after the flush, per environment and
//! existing folder, and not at all when `ENVKEEP_TOKEN_USAGE` is off.

use crate::helpers::{Answer, TestApp};

/// A project with one secret in dev:/ and a read-write token for all of dev; (project, token, id).
async fn project_and_token(app: &TestApp) -> (String, String, String) {
    let project = app.create_project("used").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let (token, id) = app
        .mint_scoped(&project, "worker", "dev", "/**", &["read", "write"])
        .await;
    (project, token, id)
}

async fn reads(app: &TestApp, project: &str, token: &str, n: usize) {
    for _ in 0..n {
        let listed = app.as_token(token).list_secrets(project, "dev", "/").await;
        assert_eq!(listed.status, 200, "{listed}");
    }
}

async fn usage(app: &TestApp, project: &str, id: &str) -> Answer {
    let answer = app
        .as_admin()
        .get(&format!(
            "/api/v1/projects/{project}/service-tokens/{id}/usage"
        ))
        .await;
    assert_eq!(answer.status, 200, "{answer}");
    answer
}

async fn flush(app: &TestApp) {
    let store = app.state.store.clone();
    tokio::task::spawn_blocking(move || store.flush_token_usage_blocking())
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn reads_are_counted_with_no_database_write_per_read() {
    let app = TestApp::spawn().await;
    let (project, token, id) = project_and_token(&app).await;
    reads(&app, &project, &token, 1).await;
    let writes_before = app.state.store.write_count();
    reads(&app, &project, &token, 30).await;
    assert_eq!(app.state.store.write_count(), writes_before, "a read wrote");
    let shown = usage(&app, &project, &id).await;
    let row = &shown["usage"][0];
    assert_eq!(row["environment"], "dev", "{shown}");
    assert_eq!(row["path"], "/");
    assert_eq!(row["reads"], 31, "unflushed counts are shown");
    assert_eq!(row["writes"], 0);
    assert_eq!(row["ips"], 1);
}

#[tokio::test]
async fn flushed_and_pending_counts_add_up() {
    let app = TestApp::spawn().await;
    let (project, token, id) = project_and_token(&app).await;
    reads(&app, &project, &token, 5).await;
    flush(&app).await;
    assert_eq!(app.count_rows("token_usage"), 1);
    reads(&app, &project, &token, 3).await;
    assert_eq!(usage(&app, &project, &id).await["usage"][0]["reads"], 8);
    flush(&app).await;
    let shown = usage(&app, &project, &id).await;
    assert_eq!(shown["usage"].as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(shown["usage"][0]["reads"], 8);
}

#[tokio::test]
async fn writes_count_per_folder_and_unknown_folders_sum_under_star() {
    let app = TestApp::spawn().await;
    let (project, token, id) = project_and_token(&app).await;
    let body = serde_json::json!({ "environment": "dev", "path": "/", "key": "NEW", "value": "v" });
    assert_eq!(
        app.as_token(&token)
            .post_secret(&project, body)
            .await
            .status,
        201
    );
    let missing = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/nope")
        .await;
    assert_eq!(missing.status, 404, "{missing}");
    for shown in [usage(&app, &project, &id).await, {
        flush(&app).await;
        usage(&app, &project, &id).await
    }] {
        let rows = shown["usage"].as_array().unwrap();
        let at = |path: &str| rows.iter().find(|r| r["path"] == path).cloned();
        assert_eq!(at("/").unwrap()["writes"], 1, "{shown}");
        assert_eq!(at("*").unwrap()["reads"], 1, "{shown}");
        assert!(at("/nope").is_none(), "{shown}");
    }
}

#[tokio::test]
async fn nothing_is_counted_when_token_usage_is_off() {
    let app = TestApp::spawn_with(|c| c.token_usage = false).await;
    let (project, token, id) = project_and_token(&app).await;
    reads(&app, &project, &token, 3).await;
    assert_eq!(
        usage(&app, &project, &id).await["usage"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn usage_pages_with_a_cursor_and_refuses_a_bad_one() {
    let app = TestApp::spawn().await;
    let (project, token, id) = project_and_token(&app).await;
    for folder in ["a", "b", "c"] {
        let created = app
            .as_admin()
            .post_json(
                &format!("/api/v1/projects/{project}/folders"),
                serde_json::json!({ "environment": "dev", "path": "/", "name": folder }),
            )
            .await;
        assert_eq!(created.status, 201, "{created}");
        let listed = app
            .as_token(&token)
            .list_secrets(&project, "dev", &format!("/{folder}"))
            .await;
        assert_eq!(listed.status, 200, "{listed}");
    }
    let base = format!("/api/v1/projects/{project}/service-tokens/{id}/usage?limit=2");
    let first = app.as_admin().get(&base).await;
    assert_eq!(first["usage"].as_array().unwrap().len(), 2, "{first}");
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = app.as_admin().get(&format!("{base}&cursor={cursor}")).await;
    assert_eq!(second["usage"].as_array().unwrap().len(), 1, "{second}");
    assert!(second["nextCursor"].is_null());
    let paths: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|a| a["usage"].as_array().unwrap().clone())
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, vec!["/c", "/b", "/a"]);
    let bad = app.as_admin().get(&format!("{base}&cursor=zz")).await;
    bad.assert_error(reqwest::StatusCode::BAD_REQUEST, "BadRequest");
}

#[tokio::test]
async fn usage_of_an_unknown_project_is_a_404() {
    let app = TestApp::spawn().await;
    let missing = app
        .as_admin()
        .get(&format!(
            "/api/v1/projects/{}/service-tokens/{}/usage",
            "0".repeat(32),
            "1".repeat(32)
        ))
        .await;
    missing.assert_error(reqwest::StatusCode::NOT_FOUND, "NotFound");
}
