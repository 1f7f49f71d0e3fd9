//! Every write is visible to the very next read: no stale answer, ever.

use super::{read_token, values};
use crate::helpers::{access_part, TestApp};
use reqwest::StatusCode;

/// A project with A=1 in dev:/app and a read token for that folder, its listing already cached.
async fn cached_folder() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "1").await;
    let token = read_token(&app, &project, "/app").await;
    let listed = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/app")
        .await;
    assert_eq!(values(&listed), [("A".into(), "1".into())]);
    (app, project, token)
}

#[tokio::test]
async fn an_update_is_seen_by_the_next_list_and_get() {
    let (app, project, token) = cached_folder().await;
    let reader = app.as_token(&token);
    assert_eq!(
        reader.get_secret(&project, "dev", "/app", "A").await["secret"]["value"],
        "1"
    );
    let updated = app
        .as_admin()
        .update_secret(&project, "dev", "/app", "A", "new")
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    let listed = reader.list_secrets(&project, "dev", "/app").await;
    assert_eq!(values(&listed), [("A".into(), "new".into())]);
    let read = reader.get_secret(&project, "dev", "/app", "A").await;
    assert_eq!(
        (read.status, read["secret"]["value"].as_str()),
        (StatusCode::OK, Some("new"))
    );
    assert_eq!(read["secret"]["version"], 2);
}

#[tokio::test]
async fn a_created_secret_shows_at_once() {
    let (app, project, token) = cached_folder().await;
    let reader = app.as_token(&token);
    assert_eq!(
        reader.get_secret(&project, "dev", "/app", "B").await.status,
        StatusCode::NOT_FOUND
    );
    app.create_secret(&project, "dev", "/app", "B", "2").await;
    let listed = reader.list_secrets(&project, "dev", "/app").await;
    assert_eq!(values(&listed).len(), 2);
    assert_eq!(
        reader.get_secret(&project, "dev", "/app", "B").await["secret"]["value"],
        "2"
    );
}

#[tokio::test]
async fn a_deleted_secret_is_gone_at_once() {
    let (app, project, token) = cached_folder().await;
    app.create_secret(&project, "dev", "/app", "B", "2").await;
    let reader = app.as_token(&token);
    let deleted = app
        .as_admin()
        .delete_secret(&project, "dev", "/app", "A")
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        reader.get_secret(&project, "dev", "/app", "A").await.status,
        StatusCode::NOT_FOUND
    );
    let listed = reader.list_secrets(&project, "dev", "/app").await;
    assert_eq!(values(&listed), [("B".into(), "2".into())]);
}

#[tokio::test]
async fn a_deleted_folder_is_not_served_from_memory() {
    let (app, project, token) = cached_folder().await;
    let deleted = app
        .as_admin()
        .delete_folder_recursive(&project, "dev", "/app")
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let reader = app.as_token(&token);
    assert_eq!(
        reader.list_secrets(&project, "dev", "/app").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader.get_secret(&project, "dev", "/app", "A").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_even_for_a_cached_folder() {
    let app = TestApp::spawn().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "1").await;
    let (token, id) = app
        .mint_scoped(&project, "r", "dev", "/app", &["read"])
        .await;
    let reader = app.as_token(&access_part(&token));
    assert_eq!(
        reader.list_secrets(&project, "dev", "/app").await.status,
        StatusCode::OK
    );
    app.revoke(&project, &id).await;
    assert_eq!(
        reader.list_secrets(&project, "dev", "/app").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_cached_folder_keeps_shown_and_hidden_infisical_listings_apart() {
    let app = TestApp::spawn().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "visible")
        .await;
    let token = read_token(&app, &project, "/app").await;
    let raw = |view: &str| {
        format!("/api/v3/secrets/raw?workspaceId={project}&environment=dev&secretPath=/app&viewSecretValue={view}")
    };
    for _ in 0..2 {
        for (view, value) in [("true", "visible"), ("false", "<hidden-by-infisical>")] {
            let read = app.as_token(&token).get(&raw(view)).await;
            assert_eq!(read.status, StatusCode::OK, "{read}");
            assert_eq!(
                read["secrets"][0]["secretValue"], value,
                "viewSecretValue={view}"
            );
        }
    }
}
