//! The UI's login with MFA: the password first, then a code form that carries a single-use step
//! token and never the password.

use super::enrolment::enrol;
use crate::helpers::{totp_code, Answer, Browser, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;

/// The value of `<input … name="{name}" value="…">` in a page.
fn field(page: &Answer, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .text
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page.text[start..].split('"').next().unwrap().to_owned()
}

/// Posts the password form; answers the code page.
async fn password_step(browser: &Browser) -> Answer {
    let fields = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let page = browser.submit_with_preauth("/login", &fields).await;
    assert_eq!(page.status, StatusCode::OK, "{page}");
    page
}

async fn code_step(browser: &Browser, page: &Answer, code: &str) -> Answer {
    let (preauth, step) = (field(page, "preauth"), field(page, "step"));
    let form = [
        ("preauth", preauth.as_str()),
        ("step", step.as_str()),
        ("code", code),
        ("next", "/projects"),
    ];
    browser.post_form("/login/code", &form).await
}

#[tokio::test]
async fn the_code_step_never_carries_the_password_and_a_computed_code_logs_in() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let browser = app.new_browser();
    let page = password_step(&browser).await;
    assert!(page.text.contains("name=\"step\""), "{page}");
    assert!(
        !page.text.contains(ADMIN_PASSWORD),
        "the password is not in the code page"
    );
    let done = code_step(&browser, &page, &totp_code(&enrolled.secret, 1)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{done}");
    assert!(done.header("set-cookie").contains("envkeep_session="));
    assert_eq!(browser.get("/projects").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_step_token_works_once_and_a_wrong_code_asks_again_with_a_new_one() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let browser = app.new_browser();
    let page = password_step(&browser).await;
    let retry = code_step(&browser, &page, "000000").await;
    assert_eq!(retry.status, StatusCode::UNAUTHORIZED, "{retry}");
    assert_ne!(field(&retry, "step"), field(&page, "step"));
    // The first token was spent by the wrong code: even a right code cannot reuse it.
    let reused = code_step(&browser, &page, &totp_code(&enrolled.secret, 1)).await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED, "{reused}");
    assert!(reused.text.contains("log in again"), "{reused}");
    let done = code_step(&browser, &retry, &totp_code(&enrolled.secret, 1)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{done}");
}

#[tokio::test]
async fn an_expired_step_sends_the_person_back_to_the_password() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let browser = app.new_browser();
    let page = password_step(&browser).await;
    app.sqlite()
        .execute("UPDATE login_steps SET expires_at = 1", [])
        .unwrap();
    let over = code_step(&browser, &page, &totp_code(&enrolled.secret, 1)).await;
    assert_eq!(over.status, StatusCode::UNAUTHORIZED, "{over}");
    assert!(
        over.text.contains("name=\"password\""),
        "the login form again"
    );
}

#[tokio::test]
async fn with_mfa_required_pages_send_a_user_without_it_to_the_account_page() {
    let app = TestApp::spawn_with(|c| c.require_mfa = true).await;
    let projects = app.browser().get("/projects").await;
    assert_eq!(projects.status, StatusCode::SEE_OTHER);
    assert_eq!(projects.location(), "/account");
    let account = app.browser().get("/account").await;
    assert_eq!(account.status, StatusCode::OK, "{account}");
    assert!(account.text.contains("requires two-factor"), "{account}");
}
