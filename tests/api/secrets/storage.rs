//! What is stored: no plaintext in the file, and values up to 64 KiB.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn secret_values_and_comments_never_reach_the_database_file_in_plaintext() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Plain").await;
    let value = "PLAINTEXT-CANARY-VALUE-7f3a9c";
    let comment = "PLAINTEXT-CANARY-COMMENT-51b2";
    let body = json!({ "environment": "dev", "path": "/", "key": "CANARY", "value": value, "comment": comment });
    let created = app.as_admin().post_secret(&project, body).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let stored = app.stored_bytes();
    assert!(
        stored.contains("CANARY"),
        "the key is stored (as a lookup column) so the scan is meaningful"
    );
    assert!(!stored.contains(value));
    assert!(!stored.contains(comment));
}

#[tokio::test]
async fn a_64_kib_value_is_accepted_and_one_byte_more_is_refused() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Big").await;
    let admin = app.as_admin();
    let post = |key: &str, value: String| {
        let body = json!({ "environment": "dev", "key": key, "value": value });
        admin.post_secret(&project, body)
    };
    assert_eq!(
        post("BIG", "x".repeat(65_536)).await.status,
        StatusCode::CREATED
    );
    let refused = post("BIGGER", "x".repeat(65_537)).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(refused["details"][0]["field"], "value");
}
