//! The Store's caches (DESIGN §8): a write evicts exactly what it touched, and a change made by
//! another program clears every cache, token records included, within the probe's second.

use crate::legacy_helpers::{access_part, spawn_app, Answer, TestApp};
use envkeep::store::CacheStats;
use reqwest::{Method, StatusCode};
use std::time::{Duration, Instant};

fn stats(app: &TestApp) -> CacheStats {
    app.state.store.stats()
}

async fn read_folder(app: &TestApp, token: &str, project: &str, path: &str) -> StatusCode {
    let url = format!("/api/v1/projects/{project}/secrets?environment=dev&path={path}");
    let (status, json) = app.bearer(Method::GET, &url, token).answer().await;
    assert!(
        status == StatusCode::OK || status == StatusCode::UNAUTHORIZED,
        "{json}"
    );
    status
}

/// Polls an async check every 50 ms until it holds, failing after `limit`.
macro_rules! within {
    ($limit:expr, $what:expr, $check:expr) => {{
        let deadline = Instant::now() + $limit;
        loop {
            if $check {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "not within {:?}: {}",
                $limit,
                $what
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_token_deleted_by_another_program_is_refused_within_two_seconds() {
    let app = spawn_app().await;
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
    within!(
        Duration::from_secs(2),
        "the deleted token is refused",
        read_folder(&app, &token, &project, "/").await == StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_to_one_project_leave_another_projects_folders_cached_until_an_outside_write() {
    let app = spawn_app().await;
    let (a, b) = (
        app.create_project("alpha").await,
        app.create_project("beta").await,
    );
    let folders: Vec<String> = (0..5).map(|i| format!("/app/f{i}")).collect();
    for folder in &folders {
        app.create_secret(&a, "dev", folder, "KEY", "value").await;
    }
    let (token, _) = app.mint_scoped(&a, "reader", "dev", "/**", &["read"]).await;
    let token = access_part(&token);
    for folder in &folders {
        assert_eq!(read_folder(&app, &token, &a, folder).await, StatusCode::OK);
    }
    let warm = stats(&app);
    assert!(warm.folders_cached >= folders.len(), "{warm:?}");

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

    // Another program commits anything at all: every cache empties within the probe's second.
    app.sqlite()
        .execute(
            "INSERT INTO meta (key, value) VALUES ('outside-change', x'01')",
            [],
        )
        .unwrap();
    within!(Duration::from_secs(2), "every cache cleared", {
        let now = stats(&app);
        now.folders_cached == 0 && now.tokens_cached == 0
    });
}

#[tokio::test]
async fn a_write_in_a_folder_evicts_that_folder_and_not_its_siblings_or_parent() {
    let app = spawn_app().await;
    let project = app.create_project("scoped").await;
    for folder in ["/app", "/app/a", "/app/b"] {
        app.create_secret(&project, "dev", folder, "KEY", "old")
            .await;
    }
    let (token, _) = app
        .mint_scoped(&project, "reader", "dev", "/**", &["read"])
        .await;
    let token = access_part(&token);
    for folder in ["/app", "/app/a", "/app/b"] {
        read_folder(&app, &token, &project, folder).await;
    }
    let before = stats(&app);

    let url = format!("/api/v1/projects/{project}/secrets/KEY?environment=dev&path=/app/a");
    let (status, json) = app
        .admin(Method::PATCH, &url)
        .json(&serde_json::json!({ "value": "new" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");

    for folder in ["/app", "/app/b"] {
        read_folder(&app, &token, &project, folder).await;
    }
    let siblings = stats(&app);
    assert_eq!(siblings.folder_hits - before.folder_hits, 2, "{siblings:?}");
    assert_eq!(siblings.folder_misses, before.folder_misses, "{siblings:?}");

    let list = format!("/api/v1/projects/{project}/secrets?environment=dev&path=/app/a");
    let (_, json) = app.bearer(Method::GET, &list, &token).answer().await;
    assert_eq!(json["secrets"][0]["value"], "new");
    assert_eq!(stats(&app).folder_misses, before.folder_misses + 1);
}

#[tokio::test]
async fn a_recursive_listing_is_cached_and_dropped_by_a_write_anywhere_below_it() {
    let app = spawn_app().await;
    let project = app.create_project("subtree").await;
    for folder in ["/app", "/app/db", "/web"] {
        app.create_secret(&project, "dev", folder, "KEY", "old")
            .await;
    }
    let (token, _) = app
        .mint_scoped(&project, "reader", "dev", "/**", &["read"])
        .await;
    let token = access_part(&token);
    let recursive = |path: &str| {
        format!("/api/v1/projects/{project}/secrets?environment=dev&path={path}&recursive=true")
    };
    let listed = |json: &serde_json::Value| -> Vec<(String, String)> {
        json["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["path"].as_str().unwrap().to_owned(),
                    s["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    for path in ["/app", "/web", "/app", "/web"] {
        let (status, _) = app
            .bearer(Method::GET, &recursive(path), &token)
            .answer()
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let warm = stats(&app);

    let url = format!("/api/v1/projects/{project}/secrets/KEY?environment=dev&path=/app/db");
    let (status, json) = app
        .admin(Method::PATCH, &url)
        .json(&serde_json::json!({ "value": "new" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");

    let (_, json) = app
        .bearer(Method::GET, &recursive("/app"), &token)
        .answer()
        .await;
    assert_eq!(
        listed(&json),
        [
            ("/app".into(), "old".into()),
            ("/app/db".into(), "new".into())
        ]
    );
    let (_, json) = app
        .bearer(Method::GET, &recursive("/web"), &token)
        .answer()
        .await;
    assert_eq!(listed(&json), [("/web".into(), "old".into())]);
    let after = stats(&app);
    assert_eq!(
        after.folder_misses - warm.folder_misses,
        1,
        "only /app refilled: {after:?}"
    );
    assert_eq!(
        after.folder_hits - warm.folder_hits,
        1,
        "/web stayed: {after:?}"
    );
}
