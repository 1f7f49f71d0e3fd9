//! `GET /api/v2/service-token`: a token's details, with the wrapped project key.

use super::fixture;
use crate::helpers::ADMIN_EMAIL;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn token_details_carry_both_id_spellings_and_never_the_hash() {
    let f = fixture().await;
    let details = f.glob_access_part().get("/api/v2/service-token/").await;
    assert_eq!(
        details.status,
        StatusCode::OK,
        "trailing slash tolerated: {details}"
    );
    assert_eq!(details["id"], details["_id"]);
    assert_eq!(details["projectId"], f.project.as_str());
    assert_eq!(details["workspace"], f.project.as_str());
    assert_eq!(details["__v"], 0);
    assert_eq!(
        details["scopes"],
        json!([{ "environment": "dev", "secretPath": "/**" }])
    );
    assert_eq!(details["user"]["email"], ADMIN_EMAIL);
    for field in [
        "id",
        "name",
        "permissions",
        "lastUsed",
        "expiresAt",
        "encryptedKey",
        "iv",
        "tag",
        "createdAt",
        "updatedAt",
        "createdBy",
    ] {
        assert!(
            details.json.get(field).is_some(),
            "missing {field}: {details}"
        );
    }
    assert!(!details.text.to_lowercase().contains("hash"));
}

#[tokio::test]
async fn token_details_wrap_the_project_key_for_the_tokens_key_part() {
    let f = fixture().await;
    let key = f.project_key().await;
    assert_eq!(key.len(), 32);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
}

#[tokio::test]
async fn only_a_service_token_reads_token_details() {
    let f = fixture().await;
    let admin = f.app.as_admin().get("/api/v2/service-token").await;
    assert_eq!(admin.status, StatusCode::FORBIDDEN);
}
