//! The folder-name rule (1-100 of letters, digits, `_` and `-`) holds on every route that can
//! bring a folder into existence, and a refused request writes nothing.

use crate::legacy_helpers::*;
use crate::ui::{logged_in, post_form};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

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

fn assert_refused_field(status: StatusCode, json: &Value, field: &str) {
    assert_error(
        status,
        json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ValidationFailure",
    );
    assert!(
        json["details"]
            .as_array()
            .is_some_and(|d| d.iter().any(|e| e["field"] == field
                && e["message"].as_str().is_some_and(|m| m.contains("1-100")))),
        "{json}"
    );
}

#[tokio::test]
async fn the_native_folder_route_refuses_101_characters_and_takes_100() {
    let app = spawn_app().await;
    let project = app.create_project("Names").await;
    let folders = format!("/api/v1/projects/{project}/folders");
    let (status, json) = app
        .admin(Method::POST, &folders)
        .json(&json!({ "environment": "dev", "path": "/", "name": long() }))
        .answer()
        .await;
    assert_refused_field(status, &json, "name");
    assert_eq!(stored_under(&app, &long()), (0, 0));
    let (status, json) = app
        .admin(Method::POST, &folders)
        .json(&json!({ "environment": "dev", "path": "/", "name": "f".repeat(100) }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
}

#[tokio::test]
async fn a_native_secret_in_a_path_with_a_101_character_segment_creates_nothing() {
    let app = spawn_app().await;
    let project = app.create_project("Names").await;
    let path = format!("/parent/{}/child", long());
    let (status, json) = app
        .admin(Method::POST, &format!("/api/v1/projects/{project}/secrets"))
        .json(&json!({ "environment": "dev", "path": path, "key": "K", "value": "v" }))
        .answer()
        .await;
    assert_refused_field(status, &json, "path");
    assert_eq!(stored_under(&app, &long()), (0, 0));
    assert_eq!(
        stored_under(&app, "/parent"),
        (0, 0),
        "the valid parent folder was not left behind"
    );
}

#[tokio::test]
async fn the_ui_folder_form_refuses_a_101_character_name() {
    let app = spawn_app().await;
    let project = app.create_project("Names").await;
    let csrf = logged_in(&app).await;
    let response = post_form(
        &app,
        &format!("/projects/{project}/secrets/dev/folders"),
        &[("csrf_token", &csrf), ("path", "/"), ("name", &long())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("1-100"));
    assert_eq!(stored_under(&app, &long()), (0, 0));
}

#[tokio::test]
async fn an_infisical_secret_in_a_path_with_a_101_character_segment_creates_nothing() {
    let app = spawn_app().await;
    let project = app.create_project("Names").await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let (status, json) = app
        .bearer(Method::POST, "/api/v3/secrets/raw/K", &token)
        .json(&json!({ "workspaceId": project, "environment": "dev", "secretPath": format!("/{}", long()), "secretValue": "v", "type": "shared" }))
        .answer()
        .await;
    assert_refused_field(status, &json, "path");
    assert_eq!(stored_under(&app, &long()), (0, 0));
}

/// Envkeep serves Infisical's folder listing only; a client asking to create one is answered
/// without anything being created.
#[tokio::test]
async fn the_infisical_folder_route_creates_nothing() {
    let app = spawn_app().await;
    let project = app.create_project("Names").await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let (status, json) = app
        .bearer(Method::POST, "/api/v1/folders", &token)
        .json(&json!({ "workspaceId": project, "environment": "dev", "path": "/", "name": long() }))
        .answer()
        .await;
    assert!(status.is_client_error(), "{status}: {json}");
    assert_eq!(stored_under(&app, &long()), (0, 0));
}
