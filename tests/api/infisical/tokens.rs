//! Infisical's token management routes (`/api/v2/service-token`, the workspace's token list).

use super::{fixture, Fixture};
use crate::helpers::access_part;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn create_request(f: &Fixture) -> Value {
    json!({
        "name": "from-cli", "workspaceId": f.project, "scopes": [{ "environment": "dev", "secretPath": "/app/" }],
        "encryptedKey": "", "iv": "", "tag": "", "expiresIn": 0, "permissions": ["read"], "randomBytes": "ignored",
    })
}

/// Creates a token as the admin; returns (its three-part token, its id).
async fn create(f: &Fixture) -> (String, String, Value) {
    let created = f
        .app
        .as_admin()
        .post_json("/api/v2/service-token", create_request(f))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{created}");
    let token = created["serviceToken"].as_str().unwrap().to_owned();
    let id = created["serviceTokenData"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, id, created.json)
}

/// A read of dev:/app by the token with a client-made key part appended.
async fn read_with_key_part(f: &Fixture, token: &str) -> StatusCode {
    let url = format!(
        "/api/v3/secrets/raw?workspaceId={}&environment=dev&secretPath=/app",
        f.project
    );
    let with_key = format!("{token}.{}", "c".repeat(32));
    f.app.as_token(&with_key).get(&url).await.status
}

#[tokio::test]
async fn a_created_token_has_no_key_part_and_reads_once_the_client_appends_one() {
    let f = fixture().await;
    let (token, _, created) = create(&f).await;
    assert_eq!(
        token.split('.').count(),
        3,
        "the client appends its own key part"
    );
    assert_eq!(
        created["serviceTokenData"]["expiresAt"],
        Value::Null,
        "expiresIn 0 means never here"
    );
    assert!(created["serviceTokenData"].get("encryptedKey").is_none());
    assert_eq!(read_with_key_part(&f, &token).await, StatusCode::OK);
}

#[tokio::test]
async fn the_workspace_token_list_shows_every_token_of_the_project() {
    let f = fixture().await;
    create(&f).await;
    let path = format!("/api/v1/workspace/{}/service-token-data", f.project);
    let list = f.app.as_admin().get(&path).await;
    assert_eq!(list["serviceTokenData"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_token_deleted_through_infisicals_route_is_refused() {
    let f = fixture().await;
    let (token, id, _) = create(&f).await;
    let deleted = f
        .app
        .as_admin()
        .delete(&format!("/api/v2/service-token/{id}"))
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        read_with_key_part(&f, &token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_invalid_scope_in_infisicals_create_is_422() {
    let f = fixture().await;
    let invalid = json!({ "name": "x", "workspaceId": f.project, "scopes": [{ "environment": "dev", "secretPath": "/[a]" }], "expiresIn": 0, "permissions": ["read"] });
    f.app
        .as_admin()
        .post_json("/api/v2/service-token", invalid)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}

#[tokio::test]
async fn a_token_cannot_create_tokens_through_infisicals_route() {
    let f = fixture().await;
    let refused = f
        .app
        .as_token(&access_part(&f.glob))
        .post_json("/api/v2/service-token", create_request(&f))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
