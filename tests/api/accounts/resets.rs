//! Password resets without mail: one-time links an owner or admin makes.

use super::enrolment::enrol;
use crate::helpers::{paths, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

const USER: &str = "dev@example.com";
const NEW_PASSWORD: &str = "a-fresh-password-1";

/// A link for a new member; returns (user id, code).
async fn reset_link(app: &TestApp) -> (String, String) {
    let user = app.create_user(USER, "member").await.id;
    let made = app
        .as_admin()
        .post_json(&paths::user_password_reset(&user), json!({}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{made}");
    let url = made["url"].as_str().unwrap();
    assert!(
        url.starts_with("/reset/"),
        "relative without a public URL: {url}"
    );
    (user, url.trim_start_matches("/reset/").to_owned())
}

fn use_body(code: &str) -> serde_json::Value {
    json!({ "code": code, "newPassword": NEW_PASSWORD })
}

#[tokio::test]
async fn a_reset_link_works_once_and_ends_the_users_sessions() {
    let app = TestApp::spawn().await;
    let (_, code) = reset_link(&app).await;
    let session = app.anonymous().login(USER, USER_PASSWORD).await;
    let session = app.as_token(session["token"].as_str().unwrap());
    let used = app
        .anonymous()
        .post_json(paths::PASSWORD_RESET, use_body(&code))
        .await;
    assert_eq!(used.status, StatusCode::NO_CONTENT, "{used}");
    session
        .get(paths::ME)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let login = app.anonymous().login(USER, NEW_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    app.anonymous()
        .post_json(paths::PASSWORD_RESET, use_body(&code))
        .await
        .assert_error(StatusCode::GONE, "Gone");
}

#[tokio::test]
async fn an_expired_or_unknown_reset_code_is_410_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_, code) = reset_link(&app).await;
    app.sqlite()
        .execute("UPDATE password_resets SET expires_at = 1", [])
        .unwrap();
    for code in [code.as_str(), &"0".repeat(64), "short"] {
        app.anonymous()
            .post_json(paths::PASSWORD_RESET, use_body(code))
            .await
            .assert_error(StatusCode::GONE, "Gone");
    }
    let login = app.anonymous().login(USER, USER_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn the_reset_page_shows_the_form_without_spending_the_code() {
    let app = TestApp::spawn().await;
    let (_, code) = reset_link(&app).await;
    for _ in 0..2 {
        let page = app.new_browser().get(&format!("/reset/{code}")).await;
        assert_eq!(page.status, StatusCode::OK, "{page}");
        assert!(page.text.contains(USER), "the page names the account");
    }
    let gone = app
        .new_browser()
        .get(&format!("/reset/{}", "0".repeat(64)))
        .await;
    assert_eq!(gone.status, StatusCode::GONE);
    let used = app
        .anonymous()
        .post_json(paths::PASSWORD_RESET, use_body(&code))
        .await;
    assert_eq!(used.status, StatusCode::NO_CONTENT, "{used}");
}

#[tokio::test]
async fn a_reset_leaves_mfa_as_it_was() {
    let app = TestApp::spawn().await;
    enrol(&app.as_admin()).await;
    let me = app.as_admin().get(paths::ME).await;
    let admin_id = me["user"]["id"].as_str().unwrap().to_owned();
    let made = app
        .as_admin()
        .post_json(&paths::user_password_reset(&admin_id), json!({}))
        .await;
    let code = made["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("/reset/")
        .to_owned();
    let used = app
        .anonymous()
        .post_json(paths::PASSWORD_RESET, use_body(&code))
        .await;
    assert_eq!(used.status, StatusCode::NO_CONTENT, "{used}");
    app.anonymous()
        .login(ADMIN_EMAIL, NEW_PASSWORD)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
    let _ = ADMIN_PASSWORD;
}

#[tokio::test]
async fn a_member_cannot_make_reset_links_and_an_admin_cannot_for_an_owner() {
    let app = TestApp::spawn().await;
    let me = app.as_admin().get(paths::ME).await;
    assert_eq!(
        me["user"]["role"], "owner",
        "the harness admin is the owner: {me}"
    );
    let owner = me["user"]["id"].as_str().unwrap().to_owned();
    let admin = app.create_user("second-admin@example.com", "admin").await;
    app.as_user(&admin)
        .post_json(&paths::user_password_reset(&owner), json!({}))
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    app.as_user(&admin)
        .delete(&paths::user_sessions(&owner))
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    let member = app.create_user(USER, "member").await;
    app.as_user(&member)
        .post_json(&paths::user_password_reset(&admin.id), json!({}))
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    let made = app
        .as_user(&admin)
        .post_json(&paths::user_password_reset(&member.id), json!({}))
        .await;
    assert_eq!(
        made.status,
        StatusCode::CREATED,
        "an admin for a member: {made}"
    );
}

#[tokio::test]
async fn an_admin_ends_every_session_of_a_member() {
    let app = TestApp::spawn().await;
    let member = app.create_user(USER, "member").await;
    let session = app.as_user(&member);
    let ended = app
        .as_admin()
        .delete(&paths::user_sessions(&member.id))
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{ended}");
    session
        .get(paths::ME)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(app.as_admin().get(paths::ME).await.status, StatusCode::OK);
}
