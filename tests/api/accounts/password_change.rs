//! Changing one's own password.

use crate::helpers::{paths, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

const NEW_PASSWORD: &str = "a-brand-new-password";

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let other = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let other = app.as_token(other["token"].as_str().unwrap());
    let body = json!({ "currentPassword": ADMIN_PASSWORD, "newPassword": NEW_PASSWORD });
    let changed = app.as_admin().post_json(paths::PASSWORD, body).await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{changed}");
    other
        .get(paths::ME)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(app.as_admin().get(paths::ME).await.status, StatusCode::OK);
    app.anonymous()
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let login = app.anonymous().login(ADMIN_EMAIL, NEW_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn a_wrong_current_password_or_a_short_new_one_changes_nothing() {
    let app = TestApp::spawn().await;
    let wrong = json!({ "currentPassword": "not-the-password", "newPassword": NEW_PASSWORD });
    let refused = app.as_admin().post_json(paths::PASSWORD, wrong).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(refused["details"][0]["field"], "currentPassword");
    let short = json!({ "currentPassword": ADMIN_PASSWORD, "newPassword": "short" });
    let refused = app.as_admin().post_json(paths::PASSWORD, short).await;
    assert_eq!(refused["details"][0]["field"], "newPassword", "{refused}");
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn me_shows_the_account_without_mfa_and_refuses_service_tokens() {
    let app = TestApp::spawn().await;
    let me = app.as_admin().get(paths::ME).await;
    assert_eq!(me.status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    assert_eq!(me["user"]["mfa"]["enabled"], false);
    assert!(me["user"]["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(me["user"]["lastLoginAt"].as_str().unwrap().ends_with('Z'));
    let project = app.create_project("Me").await;
    let (token, _) = app.mint_scoped(&project, "t", "dev", "/", &["read"]).await;
    app.as_token(&token)
        .get(paths::ME)
        .await
        .assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}
