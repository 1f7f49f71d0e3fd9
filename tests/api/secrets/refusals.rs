//! Each bad request gets its 4xx with a JSON error body and writes nothing.

use crate::helpers::{paths, Answer, Answered, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Rows a refused request must not have written.
fn stored_rows(app: &TestApp) -> i64 {
    ["secrets", "folders", "service_tokens", "projects"]
        .iter()
        .map(|table| app.count_rows(table))
        .sum()
}

/// A request whose body is sent as written, labelled JSON.
async fn raw_json(app: &TestApp, method: Method, path: &str, text: String) -> Answer {
    app.as_admin()
        .request(method, path)
        .header("Content-Type", "application/json")
        .body(text)
        .answer()
        .await
}

fn assert_all(cases: Vec<(&str, Answer)>, expected: StatusCode, name: &str) {
    for (what, answer) in cases {
        assert_eq!(answer.status, expected, "{what}: {answer}");
        answer.assert_error(expected, name);
    }
}

#[tokio::test]
async fn requests_the_server_cannot_read_are_400_and_write_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Bad").await;
    let before = stored_rows(&app);
    let malformed = raw_json(
        &app,
        Method::POST,
        &paths::secrets(&project),
        "{not json".into(),
    )
    .await;
    let no_environment = app.as_admin().get(&paths::secrets(&project)).await;
    assert_all(
        vec![
            ("malformed JSON", malformed),
            ("missing environment", no_environment),
        ],
        StatusCode::BAD_REQUEST,
        "BadRequest",
    );
    assert_eq!(stored_rows(&app), before);
}

#[tokio::test]
async fn invalid_fields_are_422_and_write_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Bad").await;
    let before = stored_rows(&app);
    let admin = app.as_admin();
    let secret = |body| admin.post_secret(&project, body);
    let cases = vec![
        ("wrong type", raw_json(&app, Method::POST, paths::PROJECTS, r#"{"name": 5}"#.into()).await),
        ("empty name", raw_json(&app, Method::POST, paths::PROJECTS, r#"{"name": ""}"#.into()).await),
        ("long name", admin.create_project(&"x".repeat(101)).await),
        ("path traversal", secret(json!({ "environment": "dev", "path": "/a/../b", "key": "K", "value": "v" })).await),
        ("empty segment", secret(json!({ "environment": "dev", "path": "/a//b", "key": "K", "value": "v" })).await),
        ("control character", secret(json!({ "environment": "dev", "path": "/a\u{7}", "key": "K", "value": "v" })).await),
        ("bad key", secret(json!({ "environment": "dev", "key": "BAD KEY", "value": "v" })).await),
        ("long key", secret(json!({ "environment": "dev", "key": "K".repeat(257), "value": "v" })).await),
        ("missing value", secret(json!({ "environment": "dev", "key": "K" })).await),
        ("folder name with slash", admin.post_json(&paths::folders(&project), json!({ "environment": "dev", "name": "a/b" })).await),
        ("deleting the root folder", admin.delete_folder(&project, "dev", "/").await),
        ("no scopes", admin.mint(&project, json!({ "name": "t", "scopes": [], "permissions": ["read"], "expiresIn": null })).await),
    ];
    assert_all(cases, StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(stored_rows(&app), before, "no bad request wrote a row");
}

#[tokio::test]
async fn unknown_environments_paths_and_projects_are_404_and_write_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Bad").await;
    let before = stored_rows(&app);
    let admin = app.as_admin();
    let unknown_project = "0".repeat(32);
    let cases = vec![
        (
            "unknown environment in body",
            admin.create_secret(&project, "nope", "/", "K", "v").await,
        ),
        (
            "unknown environment in query",
            admin.list_secrets(&project, "nope", "/").await,
        ),
        (
            "unknown path",
            admin.list_secrets(&project, "dev", "/missing").await,
        ),
        (
            "unknown project",
            admin.list_secrets(&unknown_project, "dev", "/").await,
        ),
    ];
    assert_all(cases, StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(stored_rows(&app), before);
}

#[tokio::test]
async fn an_unknown_api_route_is_404() {
    let app = TestApp::spawn().await;
    let answer = app.as_admin().get("/api/v1/nothing-here").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn put_on_a_collection_is_405() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Bad").await;
    app.as_admin()
        .send_json(Method::PUT, &paths::secrets(&project), json!({}))
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
}

#[tokio::test]
async fn a_body_over_256_kib_is_413_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Bad").await;
    let before = stored_rows(&app);
    let body = format!(
        "{{\"environment\":\"dev\",\"key\":\"K\",\"value\":\"{}\"}}",
        "x".repeat(300 * 1024)
    );
    raw_json(&app, Method::POST, &paths::secrets(&project), body)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge");
    assert_eq!(stored_rows(&app), before);
}
