//! Listings share one memory budget (`ENVKEEP_LISTING_MEMORY`, issue 14, item 4): a listing
//! waits for room to decrypt and serialise its body, answers 503 with `Retry-After` when none
//! frees in time, and gives the room back once its body is sent.

use crate::helpers::{access_part, eventually, Answer, TestApp};
use reqwest::StatusCode;
use std::time::Duration;

const MIB: usize = 1024 * 1024;

/// A server with 1 MiB for listings and a 200 ms wait for it, a project with secrets in dev:/ and
/// dev:/app, and a read token over dev (its access part).
async fn small_budget() -> (TestApp, String, String) {
    let app = TestApp::spawn_with(|c| {
        c.listing_memory = MIB;
        c.listing_wait = Duration::from_millis(200);
    })
    .await;
    let project = app.create_project("budget").await;
    app.create_secret(&project, "dev", "/", "ROOT", "r").await;
    app.create_secret(&project, "dev", "/app", "APP", "a").await;
    let (token, _) = app
        .mint_scoped(&project, "reader", "dev", "/**", &["read"])
        .await;
    (app, project, access_part(&token))
}

/// Every kind of listing: native one folder and recursive, Infisical raw and encrypted.
async fn every_listing(app: &TestApp, project: &str, token: &str) -> Vec<(&'static str, Answer)> {
    let (admin, reader) = (app.as_admin(), app.as_token(token));
    let infisical = |route: &str| {
        format!("{route}?workspaceId={project}&environment=dev&secretPath=%2F&recursive=true")
    };
    vec![
        ("native", admin.list_secrets(project, "dev", "/").await),
        (
            "native recursive",
            admin.list_secrets_recursive(project, "dev", "/").await,
        ),
        (
            "infisical raw",
            reader.get(&infisical("/api/v3/secrets/raw")).await,
        ),
        (
            "infisical encrypted",
            reader.get(&infisical("/api/v3/secrets")).await,
        ),
    ]
}

#[tokio::test]
async fn every_listing_waits_for_listing_memory_then_answers_503_with_retry_after() {
    let (app, project, token) = small_budget().await;
    let store = &app.state.store;
    let held = store
        .reserve_listing(MIB)
        .await
        .expect("the whole budget is free");
    for (kind, answer) in every_listing(&app, &project, &token).await {
        answer.assert_error(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable");
        let retry: u64 = answer.header("retry-after").parse().unwrap_or(0);
        assert!(retry >= 1, "{kind}: no Retry-After");
    }
    drop(held);
    for (kind, answer) in every_listing(&app, &project, &token).await {
        assert_eq!(answer.status, StatusCode::OK, "{kind}: {answer}");
    }
}

#[tokio::test]
async fn a_listing_larger_than_the_whole_budget_is_served_on_its_own() {
    let (app, project, _) = small_budget().await;
    for i in 0..30 {
        let value = format!("{i:02}").repeat(30_000);
        app.create_secret(&project, "dev", "/big", &format!("K{i:02}"), &value)
            .await;
    }
    let listed = app.as_admin().list_secrets(&project, "dev", "/big").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.status);
    assert_eq!(listed["secrets"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn listings_give_their_memory_back_once_sent() {
    let (app, project, token) = small_budget().await;
    for _ in 0..5 {
        for (kind, answer) in every_listing(&app, &project, &token).await {
            assert_eq!(answer.status, StatusCode::OK, "{kind}: {answer}");
        }
    }
    let store = &app.state.store;
    eventually("every reservation is returned", async || {
        store.listing_memory_free() == MIB
    })
    .await;
}
