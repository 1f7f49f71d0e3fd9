//! The native listing's `ETag`: polls with `If-None-Match` get a 304 while nothing listed
//! changed, read nothing to say so, and see every change (what `envkeep run --watch` relies on).

use crate::helpers::{paths, Answer, Answered, TestApp};
use reqwest::{Method, StatusCode};

async fn list_if_none_match(app: &TestApp, bearer: &str, path: &str, etag: &str) -> Answer {
    app.as_token(bearer)
        .request(Method::GET, path)
        .header("If-None-Match", etag)
        .answer()
        .await
}

/// A project with dev:/app/KEY=v1 and dev:/app/db/DEEP=d; returns its id.
async fn project(app: &TestApp) -> String {
    let project = app.create_project("etags").await;
    app.create_secret(&project, "dev", "/app", "KEY", "v1")
        .await;
    app.create_secret(&project, "dev", "/app/db", "DEEP", "d")
        .await;
    project
}

async fn change(app: &TestApp, project: &str, path: &str, key: &str, value: &str) {
    let updated = app
        .as_admin()
        .update_secret(project, "dev", path, key, value)
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");
}

#[tokio::test]
async fn a_listing_answers_304_to_its_own_etag_until_a_secret_in_it_changes() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let folder = paths::secrets_in(&project, "dev", "/app");
    let first = app.as_admin().get(&folder).await;
    assert_eq!(first.status, StatusCode::OK, "{first}");
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag:?}");

    let again = list_if_none_match(&app, &app.admin_token, &folder, &etag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header("etag"), etag);
    assert!(again.text.is_empty());

    change(&app, &project, "/app", "KEY", "v2").await;
    let changed = list_if_none_match(&app, &app.admin_token, &folder, &etag).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), etag);
    assert_eq!(changed["secrets"][0]["value"], "v2");
}

#[tokio::test]
async fn a_recursive_listing_sees_a_change_in_a_subfolder() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let (token, _) = app
        .mint_scoped(&project, "ci", "dev", "/app/**", &["read"])
        .await;
    let tree = paths::recursive(&paths::secrets_in(&project, "dev", "/app"));
    let first = app.as_token(&token).get(&tree).await;
    assert_eq!(first.status, StatusCode::OK, "{first}");
    let etag = first.header("etag").to_owned();
    let unchanged = list_if_none_match(&app, &token, &tree, &etag).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);

    change(&app, &project, "/app/db", "DEEP", "d2").await;
    let changed = list_if_none_match(&app, &token, &tree, &etag).await;
    assert_eq!(changed.status, StatusCode::OK, "{changed}");
    let values: Vec<&str> = changed["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"d2"), "{changed}");
}

#[tokio::test]
async fn a_write_in_another_folder_keeps_the_304() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let folder = paths::secrets_in(&project, "dev", "/app");
    let etag = app.as_admin().get(&folder).await.header("etag").to_owned();
    change(&app, &project, "/app/db", "DEEP", "elsewhere").await;
    app.create_secret(&project, "prod", "/app", "OTHER", "x")
        .await;
    let polled = list_if_none_match(&app, &app.admin_token, &folder, &etag).await;
    assert_eq!(polled.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn a_304_reads_and_decrypts_nothing() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let folder = paths::secrets_in(&project, "dev", "/app");
    let etag = app.as_admin().get(&folder).await.header("etag").to_owned();
    let before = app.state.store.stats();
    for _ in 0..5 {
        let polled = list_if_none_match(&app, &app.admin_token, &folder, &etag).await;
        assert_eq!(polled.status, StatusCode::NOT_MODIFIED);
    }
    let after = app.state.store.stats();
    assert_eq!(
        (after.folder_hits, after.folder_misses),
        (before.folder_hits, before.folder_misses),
        "a 304 with nothing written since is answered before the folder is looked up"
    );
}

#[tokio::test]
async fn another_callers_etag_gets_the_full_answer() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let (token, _) = app
        .mint_scoped(&project, "ci", "dev", "/app", &["read"])
        .await;
    let folder = paths::secrets_in(&project, "dev", "/app");
    let admins = app.as_admin().get(&folder).await.header("etag").to_owned();
    let polled = list_if_none_match(&app, &token, &folder, &admins).await;
    assert_eq!(polled.status, StatusCode::OK);
    assert_ne!(polled.header("etag"), admins);
}

#[tokio::test]
async fn a_refused_caller_gets_its_refusal_not_a_304() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let (token, id) = app
        .mint_scoped(&project, "ci", "dev", "/app", &["read"])
        .await;
    let folder = paths::secrets_in(&project, "dev", "/app");
    let etag = app
        .as_token(&token)
        .get(&folder)
        .await
        .header("etag")
        .to_owned();
    app.revoke(&project, &id).await;
    list_if_none_match(&app, &token, &folder, &etag)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}
