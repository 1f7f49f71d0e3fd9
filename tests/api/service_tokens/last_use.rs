//! Last use is buffered in memory: shown at once, written to the file at shutdown, never by a
//! read.

use super::read_dev_app;
use crate::helpers::{eventually, TestApp};
use reqwest::StatusCode;

/// A project with one secret in dev:/app and a read token for it; returns (project, token, id).
async fn project_with_token(app: &TestApp) -> (String, String, String) {
    let project = app.create_project("LastUsed").await;
    app.create_secret(&project, "dev", "/app", "K", "v").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    (project, token, id)
}

async fn read_five_times(app: &TestApp, project: &str, token: &str) {
    for _ in 0..5 {
        let read = app
            .as_token(token)
            .list_secrets(project, "dev", "/app")
            .await;
        assert_eq!(read.status, StatusCode::OK);
    }
}

fn stored_last_use(app: &TestApp, id: &str) -> Option<i64> {
    app.sqlite()
        .query_row(
            "SELECT last_used_at FROM service_tokens WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn reads_write_nothing_to_the_database() {
    let app = TestApp::spawn().await;
    let (project, token, id) = project_with_token(&app).await;
    let audited = app.count_rows("audit_events");
    read_five_times(&app, &project, &token).await;
    assert_eq!(
        stored_last_use(&app, &id),
        None,
        "no write on the read path"
    );
    assert_eq!(app.count_rows("audit_events"), audited);
}

#[tokio::test]
async fn the_token_list_shows_the_last_use_at_once() {
    let app = TestApp::spawn().await;
    let (project, token, _) = project_with_token(&app).await;
    read_five_times(&app, &project, &token).await;
    let list = app.as_admin().list_tokens(&project).await;
    assert!(
        list["serviceTokens"][0]["lastUsedAt"].as_str().is_some(),
        "the buffered use is shown: {list}"
    );
    assert_eq!(list["serviceTokens"][0]["lastUsedIp"], "127.0.0.1");
}

#[tokio::test]
async fn stopping_the_server_writes_the_buffered_last_use() {
    let app = TestApp::spawn().await;
    let (project, token, id) = project_with_token(&app).await;
    read_five_times(&app, &project, &token).await;
    app.stop().await;
    eventually("last use is written at shutdown", async || {
        stored_last_use(&app, &id).is_some()
    })
    .await;
}
