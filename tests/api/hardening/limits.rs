//! Hostile bodies and headers: oversized bodies → 413, oversized headers → 431 (actix's own
//! limits: a request head over 128 KiB or more than 96 headers), deeply nested JSON → 400, and
//! none of them a 5xx.

use crate::helpers::{paths, Answered, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::spawn().await;
    let project = app.create_project("limits").await;
    let big = "x".repeat(300 * 1024);
    for path in [paths::PROJECTS.to_owned(), paths::secrets(&project)] {
        app.as_admin()
            .post_json(&path, json!({ "name": big, "value": big }))
            .await
            .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge");
    }
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_cut_off_at_the_limit() {
    let app = TestApp::spawn().await;
    let chunk = format!("{:x}\r\n{}\r\n", 8 * 1024, "a".repeat(8 * 1024));
    let mut request = format!(
        "POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.admin_token
    )
    .into_bytes();
    for _ in 0..40 {
        request.extend_from_slice(chunk.as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(app.raw_status(request).await, 413);
}

#[tokio::test]
async fn a_value_over_64_kib_in_a_body_under_the_limit_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let project = app.create_project("limits").await;
    app.as_admin()
        .create_secret(&project, "dev", "/", "BIG", &"v".repeat(65_537))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}

#[tokio::test]
async fn a_header_over_128_kib_is_refused_with_431() {
    let app = TestApp::spawn().await;
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    assert_eq!(app.raw_status(huge.into_bytes()).await, 431);
}

#[tokio::test]
async fn more_than_96_headers_are_refused_with_431_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n");
    assert_eq!(app.raw_status(many.into_bytes()).await, 431);
    let healthz = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec();
    assert_eq!(app.raw_status(healthz).await, 200);
}

#[tokio::test]
async fn deeply_nested_json_is_a_400_wherever_it_appears() {
    let app = TestApp::spawn().await;
    let project = app.create_project("nesting").await;
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let bodies = [
        deep(100_000),
        format!("{{\"name\":\"n\",\"ignored\":{}}}", deep(100_000)),
        format!("{{\"name\":\"n\",\"ignored\":{}}}", deep(1_000)),
        format!("{{\"name\":\"n\",\"expiresIn\":{}}}", deep(1_000)),
        format!(
            "{{\"name\":\"n\",\"ignored\":{}1{}}}",
            "{\"a\":".repeat(40_000),
            "}".repeat(40_000)
        ),
    ];
    for json_body in &bodies {
        for path in [paths::PROJECTS.to_owned(), paths::tokens(&project)] {
            app.as_admin()
                .request(Method::POST, &path)
                .header("content-type", "application/json")
                .body(json_body.clone())
                .answer()
                .await
                .assert_error(StatusCode::BAD_REQUEST, "BadRequest");
        }
    }
}

#[tokio::test]
async fn ordinary_nesting_in_json_is_accepted() {
    let app = TestApp::spawn().await;
    let created = app
        .as_admin()
        .post_json(
            paths::PROJECTS,
            json!({ "name": "fine", "extra": [[{ "a": [1] }]] }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
}
