//! DESIGN §9's identity rows for people: only owners and admins create and delete identities,
//! change their Universal Auth settings and client secrets; project admins attach and detach
//! identities in their own projects; developers and viewers do neither.

use super::machine;
use crate::helpers::Api;
use reqwest::StatusCode;
use serde_json::json;

/// A new identity made by the admin; returns its id.
async fn new_identity(admin: &Api, name: &str) -> String {
    let created = admin
        .post_json("/api/v1/identities", json!({ "name": name }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    created["identity"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn owners_and_admins_create_identities_and_no_one_else() {
    let m = machine("viewer").await;
    let admin = m.app.create_user("second-admin@example.com", "admin").await;
    let member = m.app.create_user("member@example.com", "member").await;
    let project_admin = m
        .app
        .member_of(&m.project, "padmin@example.com", "admin", None)
        .await;
    for (caller, name) in [
        (m.app.as_admin(), "by-owner"),
        (m.app.as_user(&admin), "by-admin"),
    ] {
        let created = caller
            .post_json("/api/v1/identities", json!({ "name": name }))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{created}");
    }
    for user in [&member, &project_admin] {
        let refused = m
            .app
            .as_user(user)
            .post_json("/api/v1/identities", json!({ "name": "x" }))
            .await;
        refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    }
}

#[tokio::test]
async fn a_project_admin_attaches_and_detaches_identities_in_its_own_project_only() {
    let m = machine("viewer").await;
    let other = m.app.create_project("Other").await;
    let identity = new_identity(&m.app.as_admin(), "deploy").await;
    let user = m
        .app
        .member_of(&m.project, "padmin@example.com", "admin", None)
        .await;
    let api = m.app.as_user(&user);
    let members = format!("/api/v1/projects/{}/identities", m.project);
    let grant = json!({ "identityId": identity, "role": "viewer" });
    let attached = api.post_json(&members, grant.clone()).await;
    assert_eq!(attached.status, StatusCode::CREATED, "{attached}");
    let one = format!("{members}/{identity}");
    let changed = api
        .patch_json(
            &one,
            json!({ "role": "developer", "environments": ["dev"] }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{changed}");
    assert_eq!(api.delete(&one).await.status, StatusCode::NO_CONTENT);
    let elsewhere = api
        .post_json(&format!("/api/v1/projects/{other}/identities"), grant)
        .await;
    assert!(
        matches!(
            elsewhere.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ),
        "{elsewhere}"
    );
}

#[tokio::test]
async fn developers_and_viewers_cannot_attach_or_detach_identities() {
    let m = machine("viewer").await;
    let identity = new_identity(&m.app.as_admin(), "deploy").await;
    let members = format!("/api/v1/projects/{}/identities", m.project);
    for role in ["developer", "viewer"] {
        let user = m
            .app
            .member_of(&m.project, &format!("{role}@example.com"), role, None)
            .await;
        let api = m.app.as_user(&user);
        let attach = api
            .post_json(
                &members,
                json!({ "identityId": identity, "role": "viewer" }),
            )
            .await;
        attach.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
        let detach = api.delete(&format!("{members}/{}", m.identity)).await;
        detach.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    }
}

#[tokio::test]
async fn a_project_admin_cannot_change_an_identity_itself() {
    let m = machine("viewer").await;
    let user = m
        .app
        .member_of(&m.project, "padmin@example.com", "admin", None)
        .await;
    let api = m.app.as_user(&user);
    let base = format!("/api/v1/identities/{}", m.identity);
    let settings = api
        .patch_json(
            &format!("{base}/universal-auth"),
            json!({ "accessTokenTTL": 60 }),
        )
        .await;
    settings.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    let secret = api
        .post_json(&format!("{base}/client-secrets"), json!({}))
        .await;
    secret.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    let renamed = api.patch_json(&base, json!({ "name": "mine" })).await;
    renamed.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    api.delete(&base)
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
}
