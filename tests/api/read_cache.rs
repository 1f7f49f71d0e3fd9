//! Reads are served from the in-memory folder cache; every write must be visible to the very
//! next read (DESIGN §4: no stale answer, ever).

use crate::legacy_helpers::{access_part, body, spawn_app, Answer, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn read_token(app: &TestApp, project: &str, path: &str) -> String {
    let (token, _) = app
        .mint(
            project,
            json!({ "name": "reader", "scopes": [{ "environment": "dev", "secretPath": path }], "permissions": ["read"], "expiresIn": null }),
        )
        .await;
    access_part(&token)
}

async fn list(app: &TestApp, token: &str, project: &str, path: &str) -> (StatusCode, Value) {
    let url = format!("/api/v1/projects/{project}/secrets?environment=dev&path={path}");
    app.bearer(Method::GET, &url, token).answer().await
}

async fn get(app: &TestApp, token: &str, project: &str, key: &str) -> (StatusCode, Value) {
    let url = format!("/api/v1/projects/{project}/secrets/{key}?environment=dev&path=/app");
    app.bearer(Method::GET, &url, token).answer().await
}

fn values(listing: &Value) -> Vec<(String, String)> {
    listing["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_owned(),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_update_is_seen_by_the_next_list_and_get() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "DB_URL", "old")
        .await;
    let token = read_token(&app, &project, "/app").await;
    assert_eq!(
        values(&list(&app, &token, &project, "/app").await.1),
        [("DB_URL".into(), "old".into())]
    );
    assert_eq!(
        get(&app, &token, &project, "DB_URL").await.1["secret"]["value"],
        "old"
    );

    let patch = app
        .admin(
            Method::PATCH,
            &format!("/api/v1/projects/{project}/secrets/DB_URL?environment=dev&path=/app"),
        )
        .json(&json!({ "value": "new" }))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::OK);

    assert_eq!(
        values(&list(&app, &token, &project, "/app").await.1),
        [("DB_URL".into(), "new".into())]
    );
    let (status, json) = get(&app, &token, &project, "DB_URL").await;
    assert_eq!(
        (status, json["secret"]["value"].as_str()),
        (StatusCode::OK, Some("new"))
    );
    assert_eq!(json["secret"]["version"], 2);
}

#[tokio::test]
async fn created_and_deleted_secrets_show_at_once() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "1").await;
    let token = read_token(&app, &project, "/app").await;
    assert_eq!(
        values(&list(&app, &token, &project, "/app").await.1).len(),
        1
    );
    assert_eq!(
        get(&app, &token, &project, "B").await.0,
        StatusCode::NOT_FOUND
    );

    app.create_secret(&project, "dev", "/app", "B", "2").await;
    assert_eq!(
        values(&list(&app, &token, &project, "/app").await.1).len(),
        2
    );
    assert_eq!(
        get(&app, &token, &project, "B").await.1["secret"]["value"],
        "2"
    );

    let delete = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/secrets/A?environment=dev&path=/app"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get(&app, &token, &project, "A").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        values(&list(&app, &token, &project, "/app").await.1),
        [("B".into(), "2".into())]
    );
}

#[tokio::test]
async fn a_deleted_folder_is_not_served_from_memory() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "1").await;
    let token = read_token(&app, &project, "/app").await;
    assert_eq!(list(&app, &token, &project, "/app").await.0, StatusCode::OK);

    let delete = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/folders?environment=dev&path=/app&recursive=true"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        list(&app, &token, &project, "/app").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &token, &project, "A").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_even_for_a_cached_folder() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "1").await;
    let (token, id) = app
        .mint_scoped(&project, "r", "dev", "/app", &["read"])
        .await;
    let token = access_part(&token);
    assert_eq!(list(&app, &token, &project, "/app").await.0, StatusCode::OK);
    let revoke = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/service-tokens/{id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        list(&app, &token, &project, "/app").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_large_folder_answers_a_get_without_being_cached() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    for i in 0..105 {
        app.create_secret(
            &project,
            "dev",
            "/app",
            &format!("K{i:03}"),
            &format!("v{i}"),
        )
        .await;
    }
    let token = read_token(&app, &project, "/app").await;
    let (status, json) = get(&app, &token, &project, "K042").await;
    assert_eq!(
        (status, json["secret"]["value"].as_str()),
        (StatusCode::OK, Some("v42"))
    );
    assert!(
        app.state.store.stats().folders_cached == 0,
        "a get decrypts a large folder's one secret, not all of it"
    );
    assert_eq!(
        get(&app, &token, &project, "K999").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        values(&list(&app, &token, &project, "/app").await.1).len(),
        105
    );
    assert_eq!(
        app.state.store.stats().folders_cached,
        1,
        "a listing caches the folder it decrypted"
    );
}

#[tokio::test]
async fn a_change_made_behind_the_servers_back_is_noticed_by_the_next_check() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "original")
        .await;
    let token = read_token(&app, &project, "/app").await;
    assert_eq!(
        get(&app, &token, &project, "A").await.1["secret"]["value"],
        "original"
    );
    // Another program rewrites the row (here: a ciphertext that cannot open under its row).
    app.sqlite()
        .execute("UPDATE secrets SET value_ct = x'00' WHERE key = 'A'", [])
        .unwrap();
    // The health probe runs this every second; call it directly instead of waiting.
    assert!(app.state.store.notice_outside_changes_blocking());
    let (status, json) = get(&app, &token, &project, "A").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{json}");
    assert!(!json.to_string().contains("original"));
}

#[tokio::test]
async fn a_cached_folder_keeps_shown_and_hidden_infisical_listings_apart() {
    let app = spawn_app().await;
    let project = app.create_project("cache").await;
    app.create_secret(&project, "dev", "/app", "A", "visible")
        .await;
    let token = read_token(&app, &project, "/app").await;
    let raw = |view: &str| {
        format!("/api/v3/secrets/raw?workspaceId={project}&environment=dev&secretPath=/app&viewSecretValue={view}")
    };
    for _ in 0..2 {
        for (view, value) in [("true", "visible"), ("false", "<hidden-by-infisical>")] {
            let response = app
                .bearer(Method::GET, &raw(view), &token)
                .send()
                .await
                .unwrap();
            let (status, json) = body(response).await;
            assert_eq!(status, StatusCode::OK, "{json}");
            assert_eq!(
                json["secrets"][0]["secretValue"], value,
                "viewSecretValue={view}"
            );
        }
    }
}
