//! Plaintext writes (`/api/v3/secrets/raw/{key}`): values kept verbatim, answers carry the
//! secret.

use super::{fixture, Fixture};
use crate::helpers::Answer;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn body_for(f: &Fixture, value: &str) -> Value {
    json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/created/here", "secretValue": value, "secretComment": "c", "type": "shared" })
}

async fn write_spaced(f: &Fixture, method: Method, value: &str) -> Answer {
    f.glob()
        .send_json(method, "/api/v3/secrets/raw/SPACED", body_for(f, value))
        .await
}

#[tokio::test]
async fn a_raw_write_keeps_the_value_verbatim_and_creates_missing_folders() {
    let f = fixture().await;
    let created = write_spaced(&f, Method::POST, "  padded \n\n").await;
    assert_eq!(created.status, StatusCode::OK, "{created}");
    assert_eq!(
        created["secret"]["secretValue"], "  padded \n\n",
        "no trimming"
    );
    assert_eq!(
        created["secret"]["secretPath"], "/created/here",
        "missing folders are created"
    );
}

#[tokio::test]
async fn a_raw_update_answers_the_new_version() {
    let f = fixture().await;
    write_spaced(&f, Method::POST, "  padded \n\n").await;
    let updated = write_spaced(&f, Method::PATCH, "v2").await;
    assert_eq!(
        (updated.status, updated["secret"]["version"].as_i64()),
        (StatusCode::OK, Some(2))
    );
}

#[tokio::test]
async fn a_raw_delete_answers_with_the_deleted_value() {
    let f = fixture().await;
    write_spaced(&f, Method::POST, "v1").await;
    let deleted = write_spaced(&f, Method::DELETE, "").await;
    assert_eq!(
        (deleted.status, deleted["secret"]["secretValue"].as_str()),
        (StatusCode::OK, Some("v1"))
    );
}

#[tokio::test]
async fn a_raw_write_with_a_read_only_token_is_refused() {
    let f = fixture().await;
    let request = json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/app", "secretValue": "x" });
    f.single()
        .post_json("/api/v3/secrets/raw/NOPE", request)
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
}

#[tokio::test]
async fn a_personal_raw_write_is_400() {
    let f = fixture().await;
    let request = json!({ "workspaceId": f.project, "environment": "dev", "secretValue": "x", "type": "personal" });
    f.glob()
        .post_json("/api/v3/secrets/raw/PERSONAL", request)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "BadRequest");
}

#[tokio::test]
async fn raw_updates_and_deletes_keep_history_like_native_ones() {
    let f = fixture().await;
    write_spaced(&f, Method::POST, "v1").await;
    write_spaced(&f, Method::PATCH, "v2").await;
    let deleted = write_spaced(&f, Method::DELETE, "").await;
    assert_eq!(deleted.status, StatusCode::OK, "{deleted}");
    let url = format!(
        "/api/v1/projects/{}/secrets/SPACED/versions?environment=dev&path=/created/here",
        f.project
    );
    let listed = f.app.as_admin().get(&url).await;
    let actions: Vec<&str> = listed["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"], "{listed}");
    assert_eq!(listed["versions"][1]["value"], "v2");
    assert_eq!(listed["versions"][1]["actor"]["kind"], "service_token");
}
