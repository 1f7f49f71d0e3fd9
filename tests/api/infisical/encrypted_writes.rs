//! Writes in Infisical's encrypted shape: opened with the project key and stored in Envkeep's
//! own format.

use super::{fixture, open, Fixture};
use envkeep::crypto::wire;
use reqwest::{Method, StatusCode};
use serde_json::json;

const VALUE: &str = "multi\nline ✓";

/// Creates NEW_KEY at dev:/new through the encrypted route.
async fn write_new_key(f: &Fixture, key: &str) {
    let name = wire::encrypt(key, b"NEW_KEY").unwrap();
    let value = wire::encrypt(key, VALUE.as_bytes()).unwrap();
    let request = json!({
        "workspaceId": f.project, "environment": "dev", "type": "shared", "secretPath": "/new",
        "secretKeyCiphertext": name.ciphertext, "secretKeyIV": name.iv, "secretKeyTag": name.tag,
        "secretValueCiphertext": value.ciphertext, "secretValueIV": value.iv, "secretValueTag": value.tag,
    });
    let written = f
        .glob_access_part()
        .post_json("/api/v3/secrets/NEW_KEY", request)
        .await;
    assert_eq!(written.status, StatusCode::OK, "{written}");
}

#[tokio::test]
async fn encrypted_writes_are_stored_in_envkeeps_own_format() {
    let f = fixture().await;
    write_new_key(&f, &f.project_key().await).await;
    let native = f
        .app
        .as_admin()
        .get_secret(&f.project, "dev", "/new", "NEW_KEY")
        .await;
    assert_eq!(native["secret"]["value"], VALUE);
}

#[tokio::test]
async fn an_encrypted_update_under_another_key_is_400() {
    let f = fixture().await;
    write_new_key(&f, &f.project_key().await).await;
    let wrong = wire::encrypt(&"0".repeat(32), b"x").unwrap();
    let request = json!({
        "workspaceId": f.project, "environment": "dev", "secretPath": "/new",
        "secretValueCiphertext": wrong.ciphertext, "secretValueIV": wrong.iv, "secretValueTag": wrong.tag,
    });
    f.glob_access_part()
        .patch_json("/api/v3/secrets/NEW_KEY", request)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BadRequest");
}

#[tokio::test]
async fn an_encrypted_delete_answers_with_the_deleted_secret() {
    let f = fixture().await;
    let key = f.project_key().await;
    write_new_key(&f, &key).await;
    let delete = json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/new", "type": "shared" });
    let deleted = f
        .glob_access_part()
        .send_json(Method::DELETE, "/api/v3/secrets/NEW_KEY", delete)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        open(&key, &deleted["secret"], "secretValue"),
        VALUE,
        "the answer carries the deleted secret"
    );
}

#[tokio::test]
async fn an_encrypted_write_into_another_project_is_refused_before_its_body_is_opened() {
    let f = fixture().await;
    let other = f.app.create_project("Other").await;
    let value = wire::encrypt(&f.project_key().await, b"smuggled").unwrap();
    let request = json!({
        "workspaceId": other, "environment": "dev", "type": "shared", "secretPath": "/",
        "secretValueCiphertext": value.ciphertext, "secretValueIV": value.iv, "secretValueTag": value.tag,
    });
    for method in [Method::POST, Method::PATCH] {
        let refused = f
            .glob_access_part()
            .send_json(method.clone(), "/api/v3/secrets/X", request.clone())
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{method}: the token's project check comes before decrypting: {refused}"
        );
    }
}
