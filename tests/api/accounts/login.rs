//! API login and logout.

use crate::helpers::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;

#[tokio::test]
async fn login_sets_an_http_only_same_site_cookie_not_marked_secure_over_http() {
    let app = TestApp::spawn().await;
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = login.header("set-cookie");
    assert!(
        cookie.contains("envkeep_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "no Secure flag without an https public URL"
    );
}

#[tokio::test]
async fn login_answers_the_session_token_its_csrf_token_and_its_expiry() {
    let app = TestApp::spawn().await;
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login["token"].is_string(), "{login}");
    assert_eq!(login["csrfToken"].as_str().unwrap().len(), 64);
    assert!(login["expiresAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn logout_ends_the_session_server_side() {
    let app = TestApp::spawn().await;
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let session = app.as_token(login["token"].as_str().unwrap());
    assert_eq!(session.list_projects().await.status, StatusCode::OK);
    assert_eq!(session.logout().await.status, StatusCode::NO_CONTENT);
    session
        .list_projects()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn no_or_an_unknown_session_is_401() {
    let app = TestApp::spawn().await;
    app.anonymous()
        .list_projects()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    app.as_token(&"f".repeat(64))
        .list_projects()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}
