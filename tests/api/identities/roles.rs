//! An identity in a project: its role and environments decide, as a person's membership does;
//! only admins manage identities.

use super::machine;
use reqwest::StatusCode;
use serde_json::json;

fn write_path(m: &super::Machine, env: &str) -> String {
    format!(
        "/api/v3/secrets/raw/NEW?workspaceId={}&environment={env}&secretPath=/",
        m.project
    )
}

#[tokio::test]
async fn a_viewer_reads_and_cannot_write() {
    let m = machine("viewer").await;
    let token = m.token().await;
    assert_eq!(
        m.as_identity(&token).get(&m.raw("prod")).await.status,
        StatusCode::OK
    );
    let write = m
        .as_identity(&token)
        .post_json(&write_path(&m, "dev"), json!({ "secretValue": "v" }))
        .await;
    write.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
}

#[tokio::test]
async fn a_developer_writes_only_in_its_environments() {
    let m = machine("developer").await;
    let path = format!("/api/v1/projects/{}/identities/{}", m.project, m.identity);
    let changed = m
        .app
        .as_admin()
        .patch_json(
            &path,
            json!({ "role": "developer", "environments": ["dev"] }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{changed}");
    let token = m.token().await;
    let write = m
        .as_identity(&token)
        .post_json(&write_path(&m, "dev"), json!({ "secretValue": "v" }))
        .await;
    assert_eq!(write.status, StatusCode::OK, "{write}");
    let prod = m.as_identity(&token).get(&m.raw("prod")).await;
    prod.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
}

#[tokio::test]
async fn a_membership_change_applies_to_a_cached_token_at_once() {
    let m = machine("developer").await;
    let token = m.token().await;
    assert_eq!(
        m.as_identity(&token).get(&m.raw("prod")).await.status,
        StatusCode::OK
    );
    let path = format!("/api/v1/projects/{}/identities/{}", m.project, m.identity);
    let detached = m.app.as_admin().delete(&path).await;
    assert_eq!(detached.status, StatusCode::NO_CONTENT, "{detached}");
    let after = m.as_identity(&token).get(&m.raw("prod")).await;
    after.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    assert!(
        after["message"].as_str().unwrap().contains("not a member"),
        "{after}"
    );
}

#[tokio::test]
async fn an_identity_reaches_no_other_project() {
    let m = machine("developer").await;
    let other = m.app.create_project("Other").await;
    let token = m.token().await;
    let path = format!("/api/v3/secrets/raw?workspaceId={other}&environment=dev&secretPath=/");
    let refused = m.as_identity(&token).get(&path).await;
    refused.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    let native = m
        .as_identity(&token)
        .get(&format!(
            "/api/v1/projects/{other}/secrets?environment=dev&path=/"
        ))
        .await;
    native.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn only_admins_manage_identities() {
    let m = machine("developer").await;
    let token = m.token().await;
    let (service, _) = m
        .app
        .mint_scoped(&m.project, "t", "dev", "/", &["read", "write"])
        .await;
    for caller in [m.as_identity(&token), m.app.as_token(&service)] {
        let created = caller
            .post_json("/api/v1/identities", json!({ "name": "x" }))
            .await;
        created.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
        let attach = format!("/api/v1/projects/{}/identities", m.project);
        let attached = caller
            .post_json(
                &attach,
                json!({ "identityId": m.identity, "role": "viewer" }),
            )
            .await;
        attached.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    }
    let admin = m.app.as_admin();
    let bad_role = admin
        .post_json(
            &format!("/api/v1/projects/{}/identities", m.project),
            json!({ "identityId": m.identity, "role": "admin" }),
        )
        .await;
    bad_role.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}
