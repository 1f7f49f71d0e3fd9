//! Sessions: stored hashed, refused once expired, and cookie writes held to CSRF rules.

use crate::helpers::{paths, Answered, Browser, TestApp};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;

#[tokio::test]
async fn sessions_are_stored_hashed_never_as_the_session_id() {
    let app = TestApp::spawn().await;
    let stored: Vec<u8> = app
        .sqlite()
        .query_row("SELECT id_hash FROM sessions LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored.len(), 32);
    assert_ne!(
        hex::encode(&stored),
        app.admin_token,
        "the session id itself is never stored"
    );
}

#[tokio::test]
async fn an_expired_session_is_refused_with_401() {
    let app = TestApp::spawn().await;
    app.sqlite()
        .execute("UPDATE sessions SET expires_at = 0", [])
        .unwrap();
    app.as_admin()
        .list_projects()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

/// The harness browser logged in again through the API, and that session's CSRF token.
async fn cookie_session(app: &TestApp) -> (Browser, String) {
    let browser = app.browser();
    let csrf = browser.api_login().await["csrfToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (browser, csrf)
}

/// A project-creating request authenticated by the session cookie alone.
fn create(browser: &Browser) -> RequestBuilder {
    browser
        .request(Method::POST, paths::PROJECTS)
        .json(&json!({ "name": "Cookie" }))
}

#[tokio::test]
async fn a_cookie_write_without_the_csrf_token_or_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = cookie_session(&app).await;
    for (what, request) in [
        ("no token", create(&browser)),
        (
            "a wrong token",
            create(&browser).header("X-CSRF-Token", "0".repeat(64)),
        ),
        (
            "a foreign origin",
            create(&browser)
                .header("X-CSRF-Token", &csrf)
                .header("Origin", "https://evil.example"),
        ),
    ] {
        let refused = request.answer().await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{what}: {refused}");
        refused.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    }
    assert_eq!(
        app.count_rows("projects"),
        0,
        "refused requests wrote nothing"
    );
}

#[tokio::test]
async fn a_cookie_write_with_the_csrf_token_from_the_same_site_is_accepted() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = cookie_session(&app).await;
    let created = create(&browser)
        .header("X-CSRF-Token", &csrf)
        .header("Origin", &app.base)
        .answer()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(app.count_rows("projects"), 1);
}
