//! Users: the last-owner rule, owners out of an admin's reach, disabling and removing ending
//! sessions at once, a disabled login answered like a wrong password, and the audit trail.

use crate::helpers::{TestApp, ADMIN_EMAIL, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

/// The harness admin's user id (the instance's first owner).
async fn owner_id(app: &TestApp) -> String {
    let me = app.as_admin().whoami().await;
    me["user"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted_disabled_or_removed() {
    let app = TestApp::spawn().await;
    let owner = owner_id(&app).await;
    let api = app.as_admin();
    let demoted = api.update_user(&owner, json!({ "role": "admin" })).await;
    demoted.assert_error(StatusCode::CONFLICT, "Conflict");
    assert!(demoted["message"].as_str().unwrap().contains("last owner"));
    let disabled = api.update_user(&owner, json!({ "disabled": true })).await;
    disabled.assert_error(StatusCode::CONFLICT, "Conflict");
    api.delete_user(&owner, false)
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
}

#[tokio::test]
async fn an_owner_hands_over_ownership_and_may_then_step_down() {
    let app = TestApp::spawn().await;
    let heir = app.create_user("heir@example.com", "admin").await;
    let promoted = app
        .as_admin()
        .update_user(&heir.id, json!({ "role": "owner" }))
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{promoted}");
    assert_eq!(promoted["user"]["role"], "owner");
    let owner = owner_id(&app).await;
    let stepped_down = app
        .as_user(&heir)
        .update_user(&owner, json!({ "role": "member" }))
        .await;
    assert_eq!(stepped_down.status, StatusCode::OK, "{stepped_down}");
}

#[tokio::test]
async fn an_admin_cannot_change_remove_or_create_an_owner() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("admin2@example.com", "admin").await;
    let member = app.create_user("member@example.com", "member").await;
    let owner = owner_id(&app).await;
    let api = app.as_user(&admin);
    let changed = api.update_user(&owner, json!({ "disabled": true })).await;
    changed.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    api.delete_user(&owner, false)
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    api.update_user(&member.id, json!({ "role": "owner" }))
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    let demoted = api
        .update_user(&member.id, json!({ "role": "admin" }))
        .await;
    assert_eq!(demoted.status, StatusCode::OK, "{demoted}");
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let app = TestApp::spawn().await;
    let user = app.create_user("leaver@example.com", "admin").await;
    assert_eq!(
        app.as_user(&user).list_projects().await.status,
        StatusCode::OK
    );
    let disabled = app
        .as_admin()
        .update_user(&user.id, json!({ "disabled": true }))
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{disabled}");
    assert_eq!(disabled["user"]["disabled"], true);
    app.as_user(&user)
        .list_projects()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let stored = app.count_rows(
        "sessions WHERE user_id = (SELECT id FROM users WHERE email = 'leaver@example.com')",
    );
    assert_eq!(stored, 0, "the sessions are deleted, not only refused");
}

#[tokio::test]
async fn a_disabled_user_logging_in_gets_the_same_401_as_a_wrong_password() {
    let app = TestApp::spawn().await;
    let user = app.create_user("leaver@example.com", "member").await;
    app.as_admin()
        .update_user(&user.id, json!({ "disabled": true }))
        .await;
    let disabled = app.anonymous().login(&user.email, USER_PASSWORD).await;
    let wrong = app.anonymous().login(ADMIN_EMAIL, "not-the-password").await;
    disabled.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(disabled.json, wrong.json);
    let enabled = app
        .as_admin()
        .update_user(&user.id, json!({ "disabled": false }))
        .await;
    assert_eq!(enabled.status, StatusCode::OK);
    let back = app.anonymous().login(&user.email, USER_PASSWORD).await;
    assert_eq!(back.status, StatusCode::OK, "{back}");
}

#[tokio::test]
async fn removing_a_user_ends_their_sessions() {
    let app = TestApp::spawn().await;
    let user = app.create_user("leaver@example.com", "admin").await;
    let removed = app.as_admin().delete_user(&user.id, false).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{removed}");
    app.as_user(&user)
        .list_projects()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let listed = app.as_admin().list_users().await;
    let emails: Vec<_> = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].clone())
        .collect();
    assert_eq!(emails, [ADMIN_EMAIL]);
}

#[tokio::test]
async fn the_user_list_shows_role_status_and_last_login() {
    let app = TestApp::spawn().await;
    let user = app.create_user("new@example.com", "member").await;
    let listed = app.as_admin().list_users().await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    let users = listed["users"].as_array().unwrap();
    let owner = &users[0];
    assert_eq!(owner["email"], ADMIN_EMAIL);
    assert_eq!(owner["role"], "owner", "setup and bootstrap make an owner");
    assert!(owner["lastLoginAt"].as_str().unwrap().ends_with('Z'));
    let new = users.iter().find(|u| u["id"] == user.id.as_str()).unwrap();
    assert_eq!(new["role"], "member");
    assert_eq!(new["disabled"], false);
    assert_eq!(new["mfa"], false);
    for field in ["createdAt", "lastLoginAt"] {
        assert!(new[field].is_string(), "{field}: {new}");
    }
}

#[tokio::test]
async fn user_changes_are_audited_with_the_actor_and_a_snapshot_of_names() {
    let app = TestApp::spawn().await;
    let user = app.create_user("audited@example.com", "member").await;
    app.as_admin()
        .update_user(&user.id, json!({ "role": "admin" }))
        .await;
    app.as_admin().delete_user(&user.id, false).await;
    let conn = app.sqlite();
    let owner = owner_id(&app).await;
    for action in [
        "invite.create",
        "invite.accept",
        "user.update",
        "user.delete",
    ] {
        let (actor, detail): (Option<String>, String) = conn
            .query_row(
                "SELECT actor_id, detail FROM audit_events WHERE action = ?1",
                [action],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        assert!(detail.contains("audited@example.com"), "{action}: {detail}");
        if action != "invite.accept" {
            assert_eq!(actor.as_deref(), Some(owner.as_str()), "{action}");
            assert!(
                detail.contains(&format!("\"actorName\":\"{ADMIN_EMAIL}\"")),
                "{action}: {detail}"
            );
        }
    }
}
