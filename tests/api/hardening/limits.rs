//! Hostile bodies and headers: oversized bodies → 413, oversized headers → 431 (actix's own
//! limits: a request head over 128 KiB or more than 96 headers), deeply nested JSON → 400, and
//! none of them a 5xx.

use crate::legacy_helpers::{assert_error, body, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let project = app.create_project("limits").await;
    let big = "x".repeat(300 * 1024);
    for path in [
        "/api/v1/projects".to_owned(),
        format!("/api/v1/projects/{project}/secrets"),
    ] {
        let response = app
            .admin(Method::POST, &path)
            .json(&json!({ "name": big, "value": big }))
            .send()
            .await
            .unwrap();
        let (status, json) = body(response).await;
        assert_error(
            status,
            &json,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
        );
    }
    // A body without Content-Length (chunked) is cut off at the limit too.
    let chunk = format!("{:x}\r\n{}\r\n", 8 * 1024, "a".repeat(8 * 1024));
    let mut request = format!(
        "POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.admin
    )
    .into_bytes();
    for _ in 0..40 {
        request.extend_from_slice(chunk.as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let status = tokio::task::spawn_blocking({
        let port = app.port;
        move || raw_status_on(port, &request)
    })
    .await
    .unwrap();
    assert_eq!(status, 413);
    // A value over 64 KiB inside a body under the limit is a validation error naming the field.
    let response = app
        .admin(Method::POST, &format!("/api/v1/projects/{project}/secrets"))
        .json(&json!({ "environment": "dev", "key": "BIG", "value": "v".repeat(65_537) }))
        .send()
        .await
        .unwrap();
    let (status, json) = body(response).await;
    assert_error(
        status,
        &json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ValidationFailure",
    );
}

/// Sends raw bytes and returns the answer's status code (0 if the server closed without one).
fn raw_status_on(port: u16, request: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn oversized_headers_are_refused_with_431() {
    let app = spawn_app().await;
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n");
    for request in [huge, many] {
        let port = app.port;
        let status = tokio::task::spawn_blocking(move || raw_status_on(port, request.as_bytes()))
            .await
            .unwrap();
        assert_eq!(status, 431);
    }
    // The server is still serving.
    let port = app.port;
    let healthz = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_eq!(
        tokio::task::spawn_blocking(move || raw_status_on(port, healthz))
            .await
            .unwrap(),
        200
    );
}

#[tokio::test]
async fn deeply_nested_json_is_a_400_wherever_it_appears() {
    let app = spawn_app().await;
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
    let targets = [
        "/api/v1/projects".to_owned(),
        format!("/api/v1/projects/{project}/service-tokens"),
    ];
    for json_body in &bodies {
        for path in &targets {
            let response = app
                .admin(Method::POST, path)
                .header("content-type", "application/json")
                .body(json_body.clone())
                .send()
                .await
                .unwrap();
            let (status, json) = body(response).await;
            assert_error(status, &json, StatusCode::BAD_REQUEST, "BadRequest");
        }
    }
    // Ordinary nesting still works.
    let ok = app
        .admin(Method::POST, "/api/v1/projects")
        .json(&json!({ "name": "fine", "extra": [[{ "a": [1] }]] }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
}
