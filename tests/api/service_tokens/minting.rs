//! A minted token is shown once in full; afterwards only its metadata is, and the database never
//! holds its secret or key part.

use super::read_dev_app;
use crate::helpers::{Answer, TestApp, ADMIN_EMAIL};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn mint_deploy(app: &TestApp, project: &str) -> Answer {
    let body = json!({
        "name": "deploy", "scopes": [{ "environment": "dev", "secretPath": "app/**/" }],
        "permissions": ["read", "write"], "expiresIn": 86400,
        "allowedIps": ["203.0.113.0/24", "2001:db8::/32"],
    });
    let minted = app.as_admin().mint(project, body).await;
    assert_eq!(minted.status, StatusCode::CREATED, "{minted}");
    minted
}

fn parts(minted: &Answer) -> Vec<&str> {
    minted["token"].as_str().unwrap().split('.').collect()
}

#[tokio::test]
async fn a_minted_token_is_st_and_three_parts_of_32_hex_digits() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Tokens").await;
    let minted = mint_deploy(&app, &project).await;
    let parts = parts(&minted);
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0], "st");
    assert!(parts[1..]
        .iter()
        .all(|p| p.len() == 32 && p.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))));
    assert_eq!(minted["serviceToken"]["id"], parts[1]);
}

#[tokio::test]
async fn a_minted_tokens_view_shows_its_normalised_settings() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Tokens").await;
    let minted = mint_deploy(&app, &project).await;
    let view = &minted["serviceToken"];
    assert_eq!(
        view["scopes"],
        json!([{ "environment": "dev", "secretPath": "/app/**" }]),
        "globs are normalised"
    );
    assert_eq!(view["permissions"], json!(["read", "write"]));
    assert_eq!(
        view["allowedIps"],
        json!(["203.0.113.0/24", "2001:db8::/32"])
    );
    assert_eq!(view["createdBy"], ADMIN_EMAIL);
    assert_eq!(view["lastUsedAt"], Value::Null);
    assert!(view["expiresAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn the_token_list_shows_metadata_but_never_a_secret_or_key_part() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Tokens").await;
    let minted = mint_deploy(&app, &project).await;
    let parts = parts(&minted);
    let list = app.as_admin().list_tokens(&project).await;
    assert!(
        !list.text.contains(parts[2]) && !list.text.contains(parts[3]),
        "the list never shows the secret or key part"
    );
    assert!(!list.text.to_lowercase().contains("hash") && !list.text.contains("encryptedKey"));
    assert_eq!(list["serviceTokens"][0]["name"], "deploy");
    assert_eq!(list["serviceTokens"][0]["expired"], false);
}

#[tokio::test]
async fn the_database_never_holds_a_tokens_secret_or_key_part() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Stored").await;
    let (token, _) = app.mint(&project, read_dev_app()).await;
    let parts: Vec<&str> = token.split('.').collect();
    let stored = app.stored_bytes();
    assert!(
        stored.contains(parts[1]),
        "the id is stored, so the scan is meaningful"
    );
    assert!(
        !stored.contains(parts[2]),
        "secret part found in the database file"
    );
    assert!(
        !stored.contains(parts[3]),
        "key part found in the database file"
    );
}

#[tokio::test]
async fn the_token_introspection_route_tells_a_token_its_project_and_scopes() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Who").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let details = app.as_token(&token).whoami().await;
    assert_eq!(details.status, StatusCode::OK, "{details}");
    let view = &details["serviceToken"];
    assert_eq!(view["id"], id.as_str());
    assert_eq!(view["projectId"], project.as_str());
    assert_eq!(view["scopes"][0]["secretPath"], "/app/**");
    assert_eq!(view["permissions"], json!(["read"]));
}
