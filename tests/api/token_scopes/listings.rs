//! Listings by a token whose scopes sit below the folder listed.

use super::{keys, seeded};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

/// A read token for dev:/app/db and dev:/other.
async fn two_deep_scopes(app: &TestApp, project: &str) -> String {
    let body = json!({ "name": "db", "scopes": [{ "environment": "dev", "secretPath": "/app/db" }, { "environment": "dev", "secretPath": "/other" }], "permissions": ["read"], "expiresIn": null });
    app.mint(project, body).await.0
}

#[tokio::test]
async fn a_recursive_listing_returns_only_in_scope_descendants() {
    let (app, project) = seeded().await;
    let token = two_deep_scopes(&app, &project).await;
    let listed = app
        .as_token(&token)
        .list_secrets_recursive(&project, "dev", "/")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    assert_eq!(keys(&listed), ["DB_KEY", "OTHER_KEY"]);
}

#[tokio::test]
async fn a_folder_listing_shows_only_the_folders_that_lead_into_scope() {
    let (app, project) = seeded().await;
    let token = two_deep_scopes(&app, &project).await;
    let listed = app
        .as_token(&token)
        .list_folders(&project, "dev", "/")
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let names: Vec<&str> = listed["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "other"]);
}

#[tokio::test]
async fn a_plain_listing_of_a_folder_above_the_scope_is_refused() {
    let (app, project) = seeded().await;
    let token = two_deep_scopes(&app, &project).await;
    let refused = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_recursive_listing_where_the_token_has_no_scope_is_refused() {
    let (app, project) = seeded().await;
    let token = two_deep_scopes(&app, &project).await;
    let refused = app
        .as_token(&token)
        .list_secrets_recursive(&project, "staging", "/")
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "no scope in staging at all"
    );
}
