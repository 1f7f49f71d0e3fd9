//! Bad batches: every bad entry in one 422, the 1 MiB body limit, and who may not write.

use super::{batch, project_with_a_and_b, value_of};
use crate::helpers::{paths, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn every_bad_entry_is_listed_in_one_422_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let body = json!({ "environment": "dev", "secrets": [
        { "key": "GOOD", "value": "1" },
        { "key": "not a key", "value": "1" },
        { "key": "NO_VALUE" },
        { "key": "GOOD", "value": "2" },
        { "key": "BIG", "value": "x".repeat(65_537) },
        { "key": "LONG_NOTE", "value": "1", "comment": "c".repeat(16_385) },
    ]});
    let refused = app.as_admin().write_batch(&project, body).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let fields: Vec<&str> = refused["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "secrets[1].key",
            "secrets[2].value",
            "secrets[3].key",
            "secrets[4].value",
            "secrets[5].comment"
        ]
    );
    assert!(
        refused["details"][2]["message"]
            .as_str()
            .unwrap()
            .contains("secrets[0]"),
        "{refused}"
    );
    let good = app
        .as_admin()
        .get_secret(&project, "dev", "/", "GOOD")
        .await;
    assert_eq!(good.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_missing_environment_and_list_are_reported_together() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let refused = app
        .as_admin()
        .write_batch(&project, json!({ "path": "/a" }))
        .await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let fields: Vec<&str> = refused["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["environment", "secrets"]);
}

#[tokio::test]
async fn more_than_5000_entries_are_refused() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let secrets: Vec<Value> = (0..5_001)
        .map(|i| json!({ "key": format!("K{i}"), "value": "" }))
        .collect();
    let body = json!({ "environment": "dev", "secrets": secrets });
    let refused = app.as_admin().write_batch(&project, body).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert!(refused.text.contains("at most 5000"), "{refused}");
}

/// A batch body of about `bytes` bytes: entries of 1,000-byte values.
fn body_of_about(bytes: usize) -> Value {
    let secrets: Vec<Value> = (0..bytes / 1_030)
        .map(|i| json!({ "key": format!("K{i}"), "value": "v".repeat(1_000) }))
        .collect();
    json!({ "environment": "dev", "secrets": secrets })
}

#[tokio::test]
async fn a_body_over_the_global_256_kib_but_under_1_mib_is_accepted() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let body = body_of_about(1_000_000);
    assert!(body.to_string().len() > 900 * 1024);
    let answer = app.as_admin().write_batch(&project, body).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        &answer.text[..answer.text.len().min(300)]
    );
    assert_eq!(
        answer["created"].as_array().unwrap().len(),
        1_000_000 / 1_030
    );
}

#[tokio::test]
async fn a_body_over_1_mib_is_refused_with_413_whether_or_not_its_length_is_declared() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let text = body_of_about(1_120_000).to_string();
    assert!(text.len() > 1024 * 1024);
    let admin = app.as_admin();
    let declared = admin
        .request(Method::POST, &paths::secret_batches(&project))
        .header("content-type", "application/json")
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(chunked_status(&app, &project, text.as_bytes()).await, 413);
    let listed = admin.list_secrets(&project, "dev", "/").await;
    assert_eq!(listed["secrets"], json!([]));
}

/// Sends `body` in 64 KiB chunks without a length; returns the answer's status code.
async fn chunked_status(app: &TestApp, project: &str, body: &[u8]) -> u16 {
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        paths::secret_batches(project),
        app.admin_token
    )
    .into_bytes();
    for chunk in body.chunks(64 * 1024) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    app.raw_status(request).await
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_400() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let admin = app.as_admin();
    let send = |content_type: &'static str, body: &'static str| {
        admin
            .request(Method::POST, &paths::secret_batches(&project))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_eq!(
        send("application/json", "{not json")
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send("text/plain", "{}").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let nested = admin
        .request(Method::POST, &paths::secret_batches(&project))
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .unwrap();
    assert_eq!(nested.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_read_only_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let (reader, _) = app.mint_scoped(&project, "r", "dev", "/", &["read"]).await;
    let body = batch(&[("A", "new"), ("Z", "1")], true, false);
    let refused = app.as_token(&reader).write_batch(&project, body).await;
    refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    assert_eq!(value_of(&app, &project, "A").await, "1");
}

#[tokio::test]
async fn a_token_is_refused_outside_its_scope_and_in_another_project() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let other = app.create_project("other").await;
    let (writer, _) = app
        .mint_scoped(&project, "w", "dev", "/app", &["read", "write"])
        .await;
    let body = batch(&[("A", "1")], false, false);
    let outside = app
        .as_token(&writer)
        .write_batch(&project, body.clone())
        .await;
    outside.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    let elsewhere = app.as_token(&writer).write_batch(&other, body).await;
    elsewhere.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn no_credentials_get_401_and_unknown_places_404() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let body = batch(&[("A", "1")], false, false);
    let anonymous = app.anonymous().write_batch(&project, body.clone()).await;
    anonymous.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let mut unknown_env = body.clone();
    unknown_env["environment"] = json!("qa");
    let missing = app.as_admin().write_batch(&project, unknown_env).await;
    missing.assert_error(StatusCode::NOT_FOUND, "NotFound");
    let missing = app
        .as_admin()
        .write_batch("0123456789abcdef0123456789abcdef", body)
        .await;
    missing.assert_error(StatusCode::NOT_FOUND, "NotFound");
}
