//! A form refused for its input comes back with an error summary at the top (focused, each line
//! a link to its field), keeps what was typed (setup keeps its code, MFA setup its secret), and
//! leaves an address that answers GET.

use super::secrets_form;
use crate::helpers::{totp_code, Answer, TestApp, ADMIN_PASSWORD};
use reqwest::StatusCode;

fn assert_summary_links(page: &Answer, field: &str) {
    let start = page
        .text
        .find("id=\"error-summary\"")
        .unwrap_or_else(|| panic!("no error summary in {page}"));
    let summary = &page.text[start..];
    assert!(summary.contains("autofocus"), "the summary takes the focus");
    assert!(
        summary.contains(&format!("<a href=\"#{field}\">")),
        "links #{field}: {page}"
    );
    assert!(
        page.text.contains(&format!("id=\"{field}\"")),
        "the field has that id"
    );
    let first_autofocus = page.text.find("autofocus").unwrap();
    assert!(first_autofocus > start, "nothing before it takes the focus");
}

#[tokio::test]
async fn setup_keeps_the_code_and_links_the_field_to_fix() {
    let app = TestApp::spawn_with(|c| c.admin = None).await;
    let code = app.state.setup.pending().unwrap();
    let fields = [
        ("setup_code", code.as_str()),
        ("email", "first@example.com"),
        ("password", "a-long-password"),
        ("confirm", "another-long-password"),
    ];
    let page = app
        .new_browser()
        .submit_with_preauth("/setup", &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text.contains(&format!("value=\"{code}\"")), "{page}");
    assert!(
        !page.text.contains("a-long-password"),
        "never the passwords"
    );
    assert_summary_links(&page, "confirm");
}

#[tokio::test]
async fn a_refused_secret_links_its_field_and_its_address_answers_get() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let action = secrets_form(&project, "add");
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/"),
        ("key", "not a key!"),
        ("value", "kept"),
    ];
    let page = browser.post_form(&action, &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert_summary_links(&page, "key");
    let reload = browser.get(&action).await;
    assert_eq!(reload.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reload.location(),
        format!("/projects/{project}/secrets/dev")
    );
}

#[tokio::test]
async fn every_form_address_answers_get_with_the_page_the_form_is_on() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    for (address, page) in [
        ("/login/code".to_owned(), "/login".to_owned()),
        ("/account/password".to_owned(), "/account".to_owned()),
        ("/account/mfa/confirm".to_owned(), "/account".to_owned()),
        ("/team/invites".to_owned(), "/team".to_owned()),
        (
            format!("/projects/{project}/settings/environments"),
            format!("/projects/{project}/settings"),
        ),
        (
            format!("/projects/{project}/settings/environments/dev/rename"),
            format!("/projects/{project}/settings"),
        ),
        (
            format!("/projects/{project}/secrets/dev/folders"),
            format!("/projects/{project}/secrets/dev"),
        ),
    ] {
        let answer = browser.get(&address).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{address}");
        assert_eq!(answer.location(), page, "{address}");
    }
}

#[tokio::test]
async fn a_wrong_mfa_setup_code_keeps_the_same_secret_on_the_page() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let begun = browser
        .post_form(
            "/account/mfa/begin",
            &[("csrf_token", &csrf), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(begun.status, StatusCode::OK, "{begun}");
    let secret_of = |page: &Answer| {
        let start = page.text.find("id=\"totp-secret\">").unwrap() + 17;
        page.text[start..].split('<').next().unwrap().to_owned()
    };
    let secret = secret_of(&begun);
    let refused = browser
        .post_form(
            "/account/mfa/confirm",
            &[("csrf_token", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused}"
    );
    assert_eq!(
        secret_of(&refused),
        secret,
        "the same enrolment, no new scan"
    );
    assert_summary_links(&refused, "confirm-code");
    let code = totp_code(&secret, 0);
    let confirmed = browser
        .post_form(
            "/account/mfa/confirm",
            &[("csrf_token", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{confirmed}");
}
