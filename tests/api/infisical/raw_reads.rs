//! Plaintext reads (`/api/v3/secrets/raw`, `/api/v4/secrets`): where a read points when the
//! client leaves it out, and the shape of the answer.

use super::fixture;
use reqwest::StatusCode;
use serde_json::json;

/// A read whose place the single literal scope decides, whatever the client sends.
const ELSEWHERE: &str = "/api/v3/secrets/raw?environment=prod&secretPath=/elsewhere&workspaceId=x";

#[tokio::test]
async fn a_single_literal_scope_overrides_where_the_client_reads() {
    let f = fixture().await;
    let read = f.single().get(ELSEWHERE).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    let keys: Vec<&str> = read["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["secretKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["DB_PASSWORD", "EMPTY"]);
}

#[tokio::test]
async fn a_raw_secret_has_every_field_infisical_clients_read() {
    let f = fixture().await;
    let read = f.single().get(ELSEWHERE).await;
    let s = &read["secrets"][0];
    for field in [
        "id",
        "_id",
        "workspace",
        "environment",
        "version",
        "type",
        "secretKey",
        "secretValue",
        "secretComment",
        "secretPath",
        "createdAt",
        "updatedAt",
        "secretValueHidden",
        "tags",
        "secretMetadata",
    ] {
        assert!(s.get(field).is_some(), "missing {field}");
    }
    assert_eq!(read["imports"], json!([]));
}

#[tokio::test]
async fn without_a_single_literal_scope_a_read_needs_the_project_and_environment() {
    let f = fixture().await;
    let v3 = f.glob().get("/api/v3/secrets/raw").await;
    v3.assert_error(StatusCode::BAD_REQUEST, "BadRequest");
    assert_eq!(v3["message"], "Missing workspace id or environment");
    let v4 = f.glob().get("/api/v4/secrets").await;
    assert_eq!(
        (v4.status, v4["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("Missing project id or environment")
        )
    );
}

#[tokio::test]
async fn a_v4_read_from_the_root_with_recursive_returns_every_secret() {
    let f = fixture().await;
    let url = format!("/api/v4/secrets?projectId={}&environment=dev&secretPath=/&recursive=true&includeImports=true&expandSecretReferences=true&unknownParam=1", f.project);
    let read = f.glob().get(&url).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(
        read["secrets"].as_array().unwrap().len(),
        3,
        "recursive from the root"
    );
}

#[tokio::test]
async fn view_secret_value_false_hides_the_value() {
    let f = fixture().await;
    let url = format!(
        "/api/v4/secrets/ROOT?projectId={}&environment=dev&viewSecretValue=false",
        f.project
    );
    let read = f.glob().get(&url).await;
    assert_eq!(read["secret"]["secretValueHidden"], true);
    assert_ne!(read["secret"]["secretValue"], "at root");
}

#[tokio::test]
async fn a_single_scope_that_cannot_name_a_folder_is_a_refusal_not_a_500() {
    let f = fixture().await;
    // Globs allow a dot; folder names do not, so this scope points at no folder.
    let (dotted, _) = f
        .app
        .mint_scoped(&f.project, "dotted", "dev", "/app/.hidden", &["read"])
        .await;
    let dotted = f.app.as_token(&dotted);
    let raw = format!(
        "/api/v3/secrets/raw?workspaceId={}&environment=dev&secretPath=/app",
        f.project
    );
    let named = dotted.get(&raw).await;
    assert_eq!(named.status, StatusCode::FORBIDDEN, "{named}");
    let inferred = dotted.get("/api/v3/secrets/raw").await;
    assert!(inferred.status.is_client_error(), "{inferred}");
}
