//! Form posts need the session's CSRF token and, when the browser sends one, a same-site origin.

use crate::helpers::{Answered, TestApp};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn form_posts_without_a_valid_csrf_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let wrong = "0".repeat(32);
    let refusals = [
        (
            "missing",
            browser
                .post_form("/projects", &[("name", "No token")])
                .await,
        ),
        (
            "wrong",
            browser
                .post_form(
                    "/projects",
                    &[("name", "Wrong token"), ("csrf_token", &wrong)],
                )
                .await,
        ),
        (
            "cross site",
            browser
                .request(Method::POST, "/projects")
                .header("Origin", "https://evil.example")
                .form(&[("name", "Cross site"), ("csrf_token", csrf.as_str())])
                .answer()
                .await,
        ),
    ];
    for (what, refused) in refusals {
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{what}");
    }
    assert_eq!(app.count_rows("projects"), 0, "nothing was created");
}

#[tokio::test]
async fn a_refused_form_post_is_a_page_in_the_layout() {
    let app = TestApp::spawn().await;
    let refused = app
        .browser()
        .post_form("/projects", &[("name", "No token")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("Request refused"), "{refused}");
}

#[tokio::test]
async fn a_form_post_with_the_csrf_token_is_accepted() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let created = browser
        .post_form(
            "/projects",
            &[("name", "With token"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let list = app.as_admin().list_projects().await;
    assert_eq!(list["projects"][0]["name"], "With token");
}
