//! The folder-name rule (1-100 of letters, digits, `_` and `-`) holds on every route that can
//! bring a folder into existence, and a refused request writes nothing.

use crate::helpers::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn long() -> String {
    "f".repeat(101)
}

/// Folders and secrets whose path mentions `name`.
fn stored_under(app: &TestApp, name: &str) -> (i64, i64) {
    let conn = app.sqlite();
    let count = |table: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE instr(path, ?1) > 0"),
            [name],
            |r| r.get(0),
        )
        .unwrap()
    };
    (count("folders"), count("secrets"))
}

fn assert_refused_field(refused: &Answer, field: &str) {
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert!(
        refused["details"]
            .as_array()
            .is_some_and(|d| d.iter().any(|e| e["field"] == field
                && e["message"].as_str().is_some_and(|m| m.contains("1-100")))),
        "{refused}"
    );
}

#[tokio::test]
async fn the_native_folder_route_refuses_101_characters_and_takes_100() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Names").await;
    let admin = app.as_admin();
    let refused = admin.create_folder(&project, "dev", "/", &long()).await;
    assert_refused_field(&refused, "name");
    assert_eq!(stored_under(&app, &long()), (0, 0));
    let created = admin
        .create_folder(&project, "dev", "/", &"f".repeat(100))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn a_native_secret_in_a_path_with_a_101_character_segment_creates_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Names").await;
    let path = format!("/parent/{}/child", long());
    let refused = app
        .as_admin()
        .create_secret(&project, "dev", &path, "K", "v")
        .await;
    assert_refused_field(&refused, "path");
    assert_eq!(stored_under(&app, &long()), (0, 0));
    assert_eq!(
        stored_under(&app, "/parent"),
        (0, 0),
        "the valid parent folder was not left behind"
    );
}

#[tokio::test]
async fn the_ui_folder_form_refuses_a_101_character_name() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Names").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let refused = browser
        .post_form(
            &crate::ui::secrets_form(&project, "folders"),
            &[("csrf_token", &csrf), ("path", "/"), ("name", &long())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("1-100"));
    assert_eq!(stored_under(&app, &long()), (0, 0));
}

#[tokio::test]
async fn an_infisical_secret_in_a_path_with_a_101_character_segment_creates_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Names").await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let body = json!({ "workspaceId": project, "environment": "dev", "secretPath": format!("/{}", long()), "secretValue": "v", "type": "shared" });
    let refused = app
        .as_token(&token)
        .post_json("/api/v3/secrets/raw/K", body)
        .await;
    assert_refused_field(&refused, "path");
    assert_eq!(stored_under(&app, &long()), (0, 0));
}

/// Envkeep serves Infisical's folder listing only; a client asking to create one is answered
/// without anything being created.
#[tokio::test]
async fn the_infisical_folder_route_creates_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Names").await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let body = json!({ "workspaceId": project, "environment": "dev", "path": "/", "name": long() });
    let refused = app
        .as_token(&token)
        .post_json("/api/v1/folders", body)
        .await;
    assert!(refused.status.is_client_error(), "{refused}");
    assert_eq!(stored_under(&app, &long()), (0, 0));
}
