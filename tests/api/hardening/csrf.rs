//! Cookie-authenticated state changes need the session's CSRF token and, when the browser sends
//! one, a same-site `Origin`; bearer requests are exempt (a browser cannot add them cross-site).

use crate::helpers::{paths, Answered, Browser, TestApp};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;

/// The harness browser logged in again through the API, and that session's CSRF token.
async fn cookie_session(app: &TestApp) -> (Browser, String) {
    let browser = app.browser();
    let csrf = browser.api_login().await["csrfToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (browser, csrf)
}

fn create(browser: &Browser, name: &str) -> RequestBuilder {
    browser
        .request(Method::POST, paths::PROJECTS)
        .json(&json!({ "name": name }))
}

#[tokio::test]
async fn safe_methods_need_no_csrf_token() {
    let app = TestApp::spawn().await;
    let (browser, _) = cookie_session(&app).await;
    let listed = browser.get(paths::PROJECTS).await;
    assert_eq!(listed.status, StatusCode::OK);
}

#[tokio::test]
async fn cookie_state_changes_need_the_csrf_token_and_a_same_site_origin() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = cookie_session(&app).await;
    let lookalike = format!("http://127.0.0.1:{}.evil.example", app.port);
    let refused = [
        ("no token", create(&browser, "a")),
        (
            "wrong token",
            create(&browser, "b").header("X-CSRF-Token", "0".repeat(32)),
        ),
        (
            "empty token",
            create(&browser, "c").header("X-CSRF-Token", ""),
        ),
        (
            "foreign origin",
            create(&browser, "d")
                .header("X-CSRF-Token", &csrf)
                .header("Origin", "http://evil.example"),
        ),
        (
            "null origin",
            create(&browser, "e")
                .header("X-CSRF-Token", &csrf)
                .header("Origin", "null"),
        ),
        (
            "lookalike origin",
            create(&browser, "f")
                .header("X-CSRF-Token", &csrf)
                .header("Origin", lookalike),
        ),
        (
            "DELETE without token",
            browser.request(
                Method::DELETE,
                &paths::project("0123456789abcdef0123456789abcdef"),
            ),
        ),
    ];
    for (what, request) in refused {
        let answer = request.answer().await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}: {answer}");
        assert_eq!(answer["error"], "ForbiddenError", "{what}");
    }
    assert_eq!(
        app.count_rows("projects"),
        0,
        "a refused request created a project"
    );
}

#[tokio::test]
async fn a_cookie_state_change_with_the_token_and_a_same_site_or_no_origin_is_accepted() {
    let app = TestApp::spawn().await;
    let (browser, csrf) = cookie_session(&app).await;
    let same_site = create(&browser, "g")
        .header("X-CSRF-Token", &csrf)
        .header("Origin", format!("http://127.0.0.1:{}", app.port))
        .answer()
        .await;
    assert_eq!(
        same_site.status,
        StatusCode::CREATED,
        "same-site origin with token"
    );
    let no_origin = create(&browser, "h")
        .header("X-CSRF-Token", &csrf)
        .answer()
        .await;
    assert_eq!(no_origin.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_bearer_request_is_exempt_even_with_a_foreign_origin() {
    let app = TestApp::spawn().await;
    let created = app
        .as_admin()
        .request(Method::POST, paths::PROJECTS)
        .header("Origin", "http://evil.example")
        .json(&json!({ "name": "i" }))
        .answer()
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
}
