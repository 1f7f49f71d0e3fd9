//! Guessing invitation codes through the UI counts towards the per-address throttle, whether
//! the page is opened (GET) or the form posted.

use crate::helpers::{TestApp, USER_PASSWORD};
use reqwest::StatusCode;

const LIMIT: u32 = 3;

#[tokio::test]
async fn opening_invitation_pages_with_bad_codes_is_throttled() {
    let app = TestApp::spawn_with(|c| c.auth_failure_limit = LIMIT).await;
    let browser = app.new_browser();
    let page = format!("/invite/{}", "f".repeat(64));
    for _ in 0..LIMIT - 1 {
        assert_eq!(browser.get(&page).await.status, StatusCode::GONE);
    }
    let blocked = browser.get(&page).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "{blocked}");
}

#[tokio::test]
async fn posting_invitation_forms_with_bad_codes_is_throttled() {
    let app = TestApp::spawn_with(|c| c.auth_failure_limit = LIMIT).await;
    let browser = app.new_browser();
    let login = browser.get("/login").await;
    let marker = "name=\"preauth\" value=\"";
    let start = login.text.find(marker).expect("a preauth field") + marker.len();
    let preauth = login.text[start..].split('"').next().unwrap().to_owned();
    let page = format!("/invite/{}", "f".repeat(64));
    let form = [
        ("preauth", preauth.as_str()),
        ("password", USER_PASSWORD),
        ("confirm", USER_PASSWORD),
    ];
    for _ in 0..LIMIT - 1 {
        let gone = browser.post_form(&page, &form).await;
        assert_eq!(gone.status, StatusCode::GONE, "{gone}");
    }
    let blocked = browser.post_form(&page, &form).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "{blocked}");
}
