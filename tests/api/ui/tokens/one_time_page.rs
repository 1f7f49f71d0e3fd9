//! A token created in the UI is shown once, to the session that created it, on a page that is
//! never cached.

use crate::helpers::{access_part, TestApp};
use crate::ui::{new_token_page, token_form, tokens_page};
use reqwest::StatusCode;

/// Creates a token for dev:/app/** and staging:/ in the UI; returns (project, where the
/// one-time page is).
async fn created_in_the_ui(app: &TestApp) -> (String, String) {
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "dev", "/app/db", "DB_URL", "postgres://x")
        .await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(
        &csrf,
        "ci",
        &[("dev", "/app/**"), ("staging", "/")],
        &[
            ("perm_write", "1"),
            ("expiration", "604800"),
            ("create", "1"),
        ],
    );
    let created = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let shown_at = created.location().to_owned();
    (project, shown_at)
}

/// The `value` of `<input id="{id}" …>`.
fn value_of_input(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let value = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[value..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_new_token_is_shown_on_a_page_whose_address_does_not_hold_it() {
    let app = TestApp::spawn().await;
    let (project, shown_at) = created_in_the_ui(&app).await;
    assert!(
        shown_at.starts_with(&format!("{}/created/", tokens_page(&project))),
        "{shown_at}"
    );
    assert!(
        !shown_at.contains("st."),
        "the token never travels in a URL"
    );
}

#[tokio::test]
async fn the_one_time_page_shows_a_working_token_and_is_never_cached() {
    let app = TestApp::spawn().await;
    let (project, shown_at) = created_in_the_ui(&app).await;
    let page = app.browser().get(&shown_at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), "no-store");
    let token = value_of_input(&page.text, "token-value");
    assert_eq!(token.split('.').count(), 4, "{token}");
    assert!(page.text.contains("will not be shown again"));
    let read = app
        .as_token(&access_part(&token))
        .get_secret(&project, "dev", "/app/db", "DB_URL")
        .await;
    assert_eq!(read.status, StatusCode::OK);
}

#[tokio::test]
async fn the_one_time_page_is_gone_after_one_view() {
    let app = TestApp::spawn().await;
    let (_, shown_at) = created_in_the_ui(&app).await;
    let first = app.browser().get(&shown_at).await;
    let token = value_of_input(&first.text, "token-value");
    let again = app.browser().get(&shown_at).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(
        !again.text.contains(&token),
        "a reload must not show the token"
    );
}

#[tokio::test]
async fn the_token_list_shows_scopes_permissions_and_expiry() {
    let app = TestApp::spawn().await;
    let (project, _) = created_in_the_ui(&app).await;
    let list = app.browser().get(&tokens_page(&project)).await;
    assert!(
        list.text.contains("dev · /app/**")
            && list.text.contains("staging · /")
            && list.text.contains("Read, Write")
            && list.text.contains("in 7 days"),
        "{list}"
    );
}

#[tokio::test]
async fn another_session_cannot_open_the_one_time_page() {
    let app = TestApp::spawn().await;
    let (_, shown_at) = created_in_the_ui(&app).await;
    let other = app.new_browser();
    other.log_in().await;
    assert_eq!(other.get(&shown_at).await.status, StatusCode::GONE);
    assert_eq!(
        app.browser().get(&shown_at).await.status,
        StatusCode::OK,
        "still there for its owner"
    );
}
