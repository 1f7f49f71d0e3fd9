//! `next` is followed only when it is a same-origin relative path; anything else lands on `/`.

use crate::helpers::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;

/// Targets that would leave the site, split a header or hide either behind encoding.
const FOREIGN: &[&str] = &[
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    "data:text/html,hi",
    "evil.example",
    "/\t/evil.example",
    "/a\r\nSet-Cookie: x=y",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/%0d%0aSet-Cookie:%20x=y",
    "",
];

#[tokio::test]
async fn login_sends_a_foreign_or_disguised_next_to_the_front_door() {
    let app = TestApp::spawn().await;
    for next in FOREIGN {
        let browser = app.new_browser();
        let fields = [
            ("next", *next),
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
        ];
        let logged_in = browser.submit_with_preauth("/login", &fields).await;
        assert_eq!(logged_in.status, StatusCode::SEE_OTHER, "next={next:?}");
        assert_eq!(logged_in.location(), "/", "next={next:?}");
    }
}

#[tokio::test]
async fn login_follows_a_path_on_this_site_with_its_query() {
    let app = TestApp::spawn().await;
    let next = "/projects/x/secrets/dev?path=/app&q=a%20b";
    let fields = [
        ("next", next),
        ("email", ADMIN_EMAIL),
        ("password", ADMIN_PASSWORD),
    ];
    let logged_in = app
        .new_browser()
        .submit_with_preauth("/login", &fields)
        .await;
    assert_eq!(logged_in.location(), next);
}

#[tokio::test]
async fn the_login_page_never_carries_a_foreign_next_into_its_form() {
    let app = TestApp::spawn().await;
    let page = app
        .new_browser()
        .get("/login?next=https%3A%2F%2Fevil.example%2F")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(r#"name="next" value="/""#),
        "{}",
        page.text
    );
    assert!(!page.text.contains("evil.example"));
}
