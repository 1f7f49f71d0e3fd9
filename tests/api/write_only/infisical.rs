//! Infisical's routes as a write-only token: plaintext writes answer `secretValue: ""` with
//! `secretValueHidden: true` (its SDKs require the key), its details carry no wrapped project key,
//! and the end-to-end-encrypted writes refuse it, pointing at the plaintext routes.

use super::{assert_reveals_nothing, fixture, Fixture, OLD_VALUE};
use crate::helpers::{access_part, Answer};
use envkeep::crypto::wire;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn raw_write(f: &Fixture, method: Method, key: &str, fields: Value) -> Answer {
    let mut body = json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/app", "type": "shared" });
    body.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    f.app
        .as_token(&f.write_only)
        .send_json(method, &format!("/api/v3/secrets/raw/{key}"), body)
        .await
}

/// The answer is the raw shape with the value withheld: empty, marked hidden, no comment.
fn assert_withheld(answer: &Answer, key: &str, written: &[&str]) {
    assert_eq!(answer.status, StatusCode::OK, "{answer}");
    let secret = &answer["secret"];
    assert_eq!(secret["secretKey"], key, "{answer}");
    assert_eq!(secret["secretValue"], "", "{answer}");
    assert_eq!(secret["secretValueHidden"], true, "{answer}");
    assert_eq!(secret["secretComment"], "", "{answer}");
    assert_reveals_nothing(answer, written);
}

#[tokio::test]
async fn a_write_only_raw_create_answers_an_empty_hidden_value() {
    let f = fixture().await;
    let fields = json!({ "secretValue": "new-value-9d1e", "secretComment": "new-comment-2b4c" });
    let created = raw_write(&f, Method::POST, "NEW_KEY", fields).await;
    assert_withheld(&created, "NEW_KEY", &["new-value-9d1e", "new-comment-2b4c"]);
}

#[tokio::test]
async fn a_write_only_raw_update_without_a_value_answers_an_empty_hidden_value() {
    let f = fixture().await;
    let fields = json!({ "secretComment": "new-comment-2b4c" });
    let updated = raw_write(&f, Method::PATCH, "APP_KEY", fields).await;
    assert_withheld(&updated, "APP_KEY", &["new-comment-2b4c"]);
    assert_eq!(updated["secret"]["version"], 2);
}

#[tokio::test]
async fn a_write_only_raw_delete_answers_an_empty_hidden_value() {
    let f = fixture().await;
    let deleted = raw_write(&f, Method::DELETE, "APP_KEY", json!({})).await;
    assert_withheld(&deleted, "APP_KEY", &[]);
    let gone = f
        .app
        .as_admin()
        .get_secret(&f.project, "dev", "/app", "APP_KEY")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "the delete happened");
}

#[tokio::test]
async fn a_raw_patch_with_neither_value_nor_comment_is_422() {
    let f = fixture().await;
    let refused = raw_write(&f, Method::PATCH, "APP_KEY", json!({})).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_reveals_nothing(&refused, &[]);
}

#[tokio::test]
async fn a_write_only_token_gets_no_wrapped_project_key_in_its_details() {
    let f = fixture().await;
    let details = f
        .app
        .as_token(&access_part(&f.write_only))
        .get("/api/v2/service-token")
        .await;
    assert_eq!(details.status, StatusCode::OK, "{details}");
    for field in ["encryptedKey", "iv", "tag"] {
        assert_eq!(details[field], "", "{field}: {details}");
    }
    let reader = f
        .app
        .as_token(&access_part(&f.read_write))
        .get("/api/v2/service-token")
        .await;
    assert_ne!(
        reader["encryptedKey"], "",
        "a reader still gets its key: {reader}"
    );
}

/// The project key, as the read-write token's holder unwraps it.
async fn project_key(f: &Fixture) -> String {
    let details = f
        .app
        .as_token(&access_part(&f.read_write))
        .get("/api/v2/service-token")
        .await;
    let text = |field: &str| details[field].as_str().unwrap().to_owned();
    let wrapped = wire::WireCiphertext {
        ciphertext: text("encryptedKey"),
        iv: text("iv"),
        tag: text("tag"),
    };
    let key_part = f.read_write.rsplit('.').next().unwrap();
    String::from_utf8(wire::decrypt(key_part, &wrapped).unwrap()).unwrap()
}

#[tokio::test]
async fn every_encrypted_write_refuses_a_write_only_token_and_names_the_raw_route() {
    let f = fixture().await;
    let key = project_key(&f).await;
    let holder = f.app.as_token(&access_part(&f.write_only));
    for (method, secret) in [
        (Method::POST, "NEW_KEY"),
        (Method::PATCH, "APP_KEY"),
        (Method::DELETE, "APP_KEY"),
    ] {
        let name = wire::encrypt(&key, secret.as_bytes()).unwrap();
        let value = wire::encrypt(&key, b"new-value-9d1e").unwrap();
        let body = json!({
            "workspaceId": f.project, "environment": "dev", "type": "shared", "secretPath": "/app",
            "secretKeyCiphertext": name.ciphertext, "secretKeyIV": name.iv, "secretKeyTag": name.tag,
            "secretValueCiphertext": value.ciphertext, "secretValueIV": value.iv, "secretValueTag": value.tag,
        });
        let url = format!("/api/v3/secrets/{secret}");
        let refused = holder.send_json(method.clone(), &url, body).await;
        refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("/api/v3/secrets/raw"),
            "{method}: {refused}"
        );
    }
    let stored = f
        .app
        .as_admin()
        .get_secret(&f.project, "dev", "/app", "APP_KEY")
        .await;
    assert_eq!(
        (
            stored["secret"]["value"].as_str(),
            stored["secret"]["version"].as_i64()
        ),
        (Some(OLD_VALUE), Some(1)),
        "nothing was written"
    );
    let absent = f
        .app
        .as_admin()
        .get_secret(&f.project, "dev", "/app", "NEW_KEY")
        .await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
}
