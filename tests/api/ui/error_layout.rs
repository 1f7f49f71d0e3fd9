//! Error pages keep the logged-in header (the `error_layout` middleware draws them again with
//! the session); API errors stay JSON; a visitor without a session gets the plain page.

use super::secrets_page;
use crate::helpers::{Answered, TestApp, ADMIN_EMAIL};
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};

/// The main navigation and the logout form of the top bar.
fn has_user_header(html: &str) -> bool {
    html.contains("aria-label=\"Main\"") && html.contains("action=\"/logout\"")
}

#[tokio::test]
async fn a_404_page_for_a_logged_in_user_keeps_the_header_and_nav() {
    let app = TestApp::spawn().await;
    let page = app.browser().get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.text.contains("Error 404"));
    assert!(has_user_header(&page.text), "{}", page.text);
    assert!(page.text.contains(ADMIN_EMAIL));
}

#[tokio::test]
async fn a_failed_page_for_a_logged_in_user_keeps_the_header_and_nav() {
    let app = TestApp::spawn().await;
    let page = app
        .browser()
        .get(&secrets_page(&"0".repeat(32), "dev"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text.contains("was not found"));
    assert!(has_user_header(&page.text), "{}", page.text);
}

#[tokio::test]
async fn an_api_404_stays_json_for_a_logged_in_browser() {
    let app = TestApp::spawn().await;
    let answer = app.browser().get("/api/v1/no/such/route").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer
        .header("content-type")
        .starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_str(&answer.text).unwrap();
    assert_eq!(body["statusCode"], 404);
    assert_eq!(body["error"], "NotFound");
}

#[tokio::test]
async fn an_anonymous_404_page_has_no_user_header() {
    let app = TestApp::spawn().await;
    let page = app.new_browser().get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text.contains("Error 404"));
    assert!(!has_user_header(&page.text));
    assert!(!page.text.contains(ADMIN_EMAIL));
}

#[tokio::test]
async fn a_stale_session_cookie_gets_the_plain_error_page_and_is_dropped() {
    let app = TestApp::spawn().await;
    let page = app
        .new_browser()
        .request(Method::GET, "/no/such/page")
        .header(COOKIE, "envkeep_session=no-such-session")
        .answer()
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!has_user_header(&page.text));
    let dropped = page.header("set-cookie");
    assert!(dropped.starts_with("envkeep_session=;"), "{dropped}");
}

#[tokio::test]
async fn a_throttled_page_is_not_asked_about_its_cookie_again() {
    const LIMIT: u32 = 3;
    let app = TestApp::spawn_with(|c| c.auth_failure_limit = LIMIT).await;
    let stale = || {
        app.new_browser()
            .request(Method::GET, "/projects")
            .header(COOKIE, "envkeep_session=no-such-session")
    };
    let mut last = stale().answer().await;
    for _ in 0..LIMIT + 1 {
        last = stale().answer().await;
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS, "{last}");
    // The 429 came from the session check itself: the error-page layout must not check the
    // cookie a second time (a second failure counted) nor judge it dead (a throttled address
    // says nothing about the cookie, which stays).
    assert_eq!(last.header("set-cookie"), "", "{last}");
}
