//! Logging in and out through the pages, and redirects to the login page.

use crate::helpers::{Answered, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn a_page_without_a_session_redirects_to_login_with_next() {
    let app = TestApp::spawn().await;
    let page = app
        .new_browser()
        .get("/projects/abc/secrets/dev?path=/app")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        "/login?next=/projects/abc/secrets/dev%3Fpath%3D/app"
    );
}

#[tokio::test]
async fn the_login_page_labels_its_fields() {
    let app = TestApp::spawn().await;
    let login = app.new_browser().get("/login?next=/projects").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login.text.contains("<label for=\"email\">Email</label>")
            && login
                .text
                .contains("<label for=\"password\">Password</label>")
    );
    assert!(login.text.contains(">Log in</button>"));
}

#[tokio::test]
async fn login_follows_a_same_site_next_and_ignores_a_foreign_one() {
    let app = TestApp::spawn().await;
    for (next, expected) in [
        ("/projects/x/settings", "/projects/x/settings"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let browser = app.new_browser();
        let fields = [
            ("next", next),
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
        ];
        let logged_in = browser.submit_with_preauth("/login", &fields).await;
        assert_eq!(logged_in.status, StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(logged_in.location(), expected, "next={next}");
        assert_eq!(
            browser.get("/projects").await.status,
            StatusCode::OK,
            "session cookie set"
        );
    }
}

#[tokio::test]
async fn login_without_the_pre_session_token_is_refused() {
    let app = TestApp::spawn().await;
    let form = [
        ("email", ADMIN_EMAIL),
        ("password", ADMIN_PASSWORD),
        ("preauth", "0123456789abcdef0123456789abcdef"),
    ];
    let refused = app.new_browser().post_form("/login", &form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.header("set-cookie"),
        "",
        "no session for a forged login"
    );
}

#[tokio::test]
async fn wrong_password_rerenders_the_login_form_with_the_email_kept() {
    let app = TestApp::spawn().await;
    let fields = [("email", ADMIN_EMAIL), ("password", "not-the-password")];
    let refused = app
        .new_browser()
        .submit_with_preauth("/login", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.text.contains("Wrong e-mail or password")
            && refused.text.contains(&format!("value=\"{ADMIN_EMAIL}\""))
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let out = browser.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.location(), "/login?notice=logout");
    assert_eq!(browser.get("/projects").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_stale_session_cookie_is_dropped_on_the_way_to_login() {
    let app = TestApp::spawn().await;
    let page = app
        .new_browser()
        .request(Method::GET, "/projects")
        .header(COOKIE, "envkeep_session=0123456789abcdef0123456789abcdef")
        .answer()
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let cleared = page.headers.get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("envkeep_session=;") && c.contains("Max-Age=0")
    });
    assert!(cleared, "the stale cookie is removed");
}
