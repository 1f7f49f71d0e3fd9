//! Enforced MFA: a user without it gets a session that may only enrol or log out.

use super::enrolment::enrol;
use crate::helpers::{paths, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn with_mfa_required_a_session_without_it_may_only_enrol_then_everything_opens() {
    let app = TestApp::spawn_with(|c| c.require_mfa = true).await;
    app.as_admin()
        .list_projects()
        .await
        .assert_error(StatusCode::FORBIDDEN, "MfaEnrolmentRequired");
    app.as_admin()
        .get(paths::SESSIONS)
        .await
        .assert_error(StatusCode::FORBIDDEN, "MfaEnrolmentRequired");
    enrol(&app.as_admin()).await;
    assert_eq!(app.as_admin().list_projects().await.status, StatusCode::OK);
}

#[tokio::test]
async fn with_mfa_required_a_session_without_it_may_log_out() {
    let app = TestApp::spawn_with(|c| c.require_mfa = true).await;
    assert_eq!(app.as_admin().logout().await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_owners_setting_stored_in_the_database_enforces_it_too() {
    let app = TestApp::spawn().await;
    assert_eq!(app.as_admin().list_projects().await.status, StatusCode::OK);
    app.sqlite()
        .execute(
            "INSERT INTO meta (key, value) VALUES ('require_mfa', X'01')",
            [],
        )
        .unwrap();
    app.as_admin()
        .list_projects()
        .await
        .assert_error(StatusCode::FORBIDDEN, "MfaEnrolmentRequired");
}

#[tokio::test]
async fn only_an_owner_turns_the_requirement_on_and_then_it_applies_to_everyone() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({ "requireMfa": true });
    let admin = app.create_user("second-admin@example.com", "admin").await;
    app.as_user(&admin)
        .patch_json("/api/v1/settings", body.clone())
        .await
        .assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    let set = app.as_admin().patch_json("/api/v1/settings", body).await;
    assert_eq!(set.status, StatusCode::OK, "the owner: {set}");
    assert_eq!(set["settings"]["requireMfaByOwner"], true);
    app.as_user(&admin)
        .list_projects()
        .await
        .assert_error(StatusCode::FORBIDDEN, "MfaEnrolmentRequired");
    app.as_admin()
        .get("/api/v1/settings")
        .await
        .assert_error(StatusCode::FORBIDDEN, "MfaEnrolmentRequired");
}
