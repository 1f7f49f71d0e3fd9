//! Helpers shared by the hardening tests: a project with a token, and the checks every 5xx body
//! must pass.

use crate::helpers::{access_part, Answer, TestApp};
use serde_json::{json, Value};

/// Creates a project with a secret in `dev` at `/` and mints a read/write token for `dev:/**`.
/// Returns (project id, access part of the token, token id).
pub async fn project_with_token(app: &TestApp) -> (String, String, String) {
    let project = app.create_project("hardening").await;
    app.create_secret(&project, "dev", "/", "DB_PASSWORD", "s3cr3t-value")
        .await;
    let (token, id) = app
        .mint(
            &project,
            json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/**" }],
                    "permissions": ["read", "write"], "expiresIn": null }),
        )
        .await;
    (project, access_part(&token), id)
}

/// Words that must never appear in an error body: SQL, file paths, key or token material.
pub fn assert_generic_5xx(answer: &Answer, forbidden: &[&str]) {
    let text = &answer.text;
    assert!(
        answer.status.is_server_error(),
        "expected a 5xx, got {answer}"
    );
    let body: Value =
        serde_json::from_str(text).unwrap_or_else(|_| panic!("5xx body is not JSON: {text}"));
    assert!(
        matches!(
            body["error"].as_str(),
            Some("InternalError" | "ServiceUnavailable")
        ),
        "{text}"
    );
    let lower = text.to_lowercase();
    for word in [
        "select",
        "insert",
        "update ",
        "sqlite",
        "database",
        "/tmp",
        ".db",
        "envkeep.db",
        "root.key",
        "st.",
    ]
    .iter()
    .chain(forbidden)
    {
        assert!(
            !lower.contains(&word.to_lowercase()),
            "5xx body leaks {word:?}: {text}"
        );
    }
}
