//! The login and setup forms' pre-session token: the server accepts only a token it issued
//! itself, so a cookie planted in a victim's browser cannot carry a login CSRF, and every login
//! tab of one browser shares the one token.

use crate::helpers::{Answer, Answered, Browser, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};

/// The value of the hidden `preauth` field of a page.
fn preauth_field(page: &Answer) -> String {
    let marker = "name=\"preauth\" value=\"";
    let start = page.text.find(marker).expect("a preauth field") + marker.len();
    page.text[start..].split('"').next().unwrap().to_owned()
}

/// A login form posted by a cross-site page (`Origin: null`) into a browser whose pre-session
/// cookie the attacker planted.
async fn login_with_planted(app: &TestApp, planted: &str) -> Answer {
    let form = [
        ("preauth", planted),
        ("email", ADMIN_EMAIL),
        ("password", ADMIN_PASSWORD),
    ];
    app.new_browser()
        .request(Method::POST, "/login")
        .header(COOKIE, format!("envkeep_preauth={planted}"))
        .header("Origin", "null")
        .form(&form)
        .answer()
        .await
}

#[tokio::test]
async fn a_planted_pre_session_cookie_does_not_complete_a_login() {
    let app = TestApp::spawn().await;
    let issued_elsewhere = preauth_field(&app.new_browser().get("/login").await);
    let mut forged = issued_elsewhere.clone().into_bytes();
    forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
    let forged = String::from_utf8(forged).unwrap();
    for planted in [
        "0123456789abcdef".repeat(2),
        "0123456789abcdef".repeat(4),
        forged,
    ] {
        let refused = login_with_planted(&app, &planted).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{planted}");
        let session_set = refused
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("envkeep_session="));
        assert!(!session_set, "a session for a planted cookie {planted}");
    }
}

#[tokio::test]
async fn the_login_page_replaces_a_planted_cookie_with_one_it_issues() {
    let app = TestApp::spawn().await;
    let planted = "0123456789abcdef".repeat(2);
    let page = app
        .new_browser()
        .request(Method::GET, "/login")
        .header(COOKIE, format!("envkeep_preauth={planted}"))
        .answer()
        .await;
    let issued = preauth_field(&page);
    assert_ne!(issued, planted);
    assert!(page
        .header("set-cookie")
        .starts_with(&format!("envkeep_preauth={issued};")));
}

async fn submit(browser: &Browser, preauth: &str) -> Answer {
    let form = [
        ("preauth", preauth),
        ("email", ADMIN_EMAIL),
        ("password", ADMIN_PASSWORD),
    ];
    browser.post_form("/login", &form).await
}

#[tokio::test]
async fn a_second_login_tab_leaves_the_first_tabs_form_working() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let first_tab = preauth_field(&browser.get("/login").await);
    let second_tab = preauth_field(&browser.get("/login").await);
    assert_eq!(first_tab, second_tab, "one token per browser");
    let logged_in = submit(&browser, &first_tab).await;
    assert_eq!(logged_in.status, StatusCode::SEE_OTHER, "{logged_in}");
}
