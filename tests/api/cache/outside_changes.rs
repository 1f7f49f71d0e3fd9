//! A change another program commits to the file clears the caches (the health probe checks every
//! second), so nothing stale outlives it.

use super::{read_folder, read_token, stats};
use crate::helpers::{access_part, eventually_within, TestApp};
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test]
async fn a_change_made_behind_the_servers_back_is_noticed_by_the_next_check() {
    let app = TestApp::spawn().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "original")
        .await;
    let reader = app.as_token(&read_token(&app, &project, "/app").await);
    let read = reader.get_secret(&project, "dev", "/app", "A").await;
    assert_eq!(read["secret"]["value"], "original");
    // Another program rewrites the row (here: a ciphertext that cannot open under its row).
    app.sqlite()
        .execute("UPDATE secrets SET value_ct = x'00' WHERE key = 'A'", [])
        .unwrap();
    // The health probe runs this every second; call it directly instead of waiting.
    assert!(app.state.store.notice_outside_changes_blocking());
    let read = reader.get_secret(&project, "dev", "/app", "A").await;
    assert_eq!(read.status, StatusCode::INTERNAL_SERVER_ERROR, "{read}");
    assert!(!read.text.contains("original"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_token_deleted_by_another_program_is_refused_within_two_seconds() {
    let app = TestApp::spawn().await;
    let project = app.create_project("outside").await;
    app.create_secret(&project, "dev", "/", "A", "1").await;
    let (token, id) = app
        .mint_scoped(&project, "reader", "dev", "/**", &["read"])
        .await;
    let token = access_part(&token);
    assert_eq!(
        read_folder(&app, &token, &project, "/").await,
        StatusCode::OK
    );
    assert!(stats(&app).tokens_cached >= 1, "the token record is cached");

    let deleted = app
        .sqlite()
        .execute("DELETE FROM service_tokens WHERE id = ?1", [&id])
        .unwrap();
    assert_eq!(deleted, 1);
    eventually_within(
        Duration::from_secs(2),
        "the deleted token is refused",
        async || read_folder(&app, &token, &project, "/").await == StatusCode::UNAUTHORIZED,
    )
    .await;
}

/// Project A with five folders read through a token (so cached), and an empty project B.
/// Returns (app, A, B, the folders, the token).
async fn two_projects_one_warm() -> (TestApp, String, String, Vec<String>, String) {
    let app = TestApp::spawn().await;
    let (a, b) = (
        app.create_project("alpha").await,
        app.create_project("beta").await,
    );
    let folders: Vec<String> = (0..5).map(|i| format!("/app/f{i}")).collect();
    for folder in &folders {
        app.create_secret(&a, "dev", folder, "KEY", "value").await;
    }
    let token = read_token(&app, &a, "/**").await;
    for folder in &folders {
        assert_eq!(read_folder(&app, &token, &a, folder).await, StatusCode::OK);
    }
    assert!(stats(&app).folders_cached >= folders.len());
    (app, a, b, folders, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_to_one_project_leave_another_projects_folders_cached() {
    let (app, a, b, folders, token) = two_projects_one_warm().await;
    let warm = stats(&app);
    // 10 writes a second to project B for 3 s, with A's folders read between them.
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let mut reads = 0;
    for i in 0..30 {
        ticker.tick().await;
        app.create_secret(&b, "dev", "/", &format!("K{i}"), "v")
            .await;
        let folder = &folders[i % folders.len()];
        assert_eq!(read_folder(&app, &token, &a, folder).await, StatusCode::OK);
        reads += 1;
    }
    let after = stats(&app);
    assert_eq!(
        after.folder_hits - warm.folder_hits,
        reads,
        "every read of A was a hit: {after:?}"
    );
    assert_eq!(after.folder_misses, warm.folder_misses, "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_commit_of_anything_clears_every_cache_within_two_seconds() {
    let (app, ..) = two_projects_one_warm().await;
    app.sqlite()
        .execute(
            "INSERT INTO meta (key, value) VALUES ('outside-change', x'01')",
            [],
        )
        .unwrap();
    eventually_within(Duration::from_secs(2), "every cache cleared", async || {
        let now = stats(&app);
        now.folders_cached == 0 && now.tokens_cached == 0
    })
    .await;
}
