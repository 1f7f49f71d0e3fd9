//! Browsers submit a textarea's line breaks as CRLF: the UI's secret forms store them as LF, so a
//! PEM or SSH key pasted in the browser comes back byte for byte (the JSON API stores what it is
//! sent), and an edit that changes nothing once normalised writes nothing.

use super::secrets_form;
use crate::helpers::{Browser, TestApp};
use reqwest::StatusCode;

/// A project with a dev folder /app, the harness browser and its CSRF token.
async fn browsing() -> (TestApp, String, Browser, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Keys").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    (app, project, browser, csrf)
}

async fn post(browser: &Browser, project: &str, action: &str, fields: &[(&str, &str)]) {
    let answer = browser
        .post_form(&secrets_form(project, action), fields)
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{answer}");
}

#[tokio::test]
async fn a_value_and_comment_added_with_crlf_line_breaks_are_stored_with_lf() {
    let (app, project, browser, csrf) = browsing().await;
    let pem = "-----BEGIN KEY-----\r\nAAAA\r\nBBBB\r\n-----END KEY-----\r\n";
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/app"),
        ("key", "TLS_KEY"),
        ("value", pem),
        ("comment", "first\r\nsecond"),
    ];
    post(&browser, &project, "add", &fields).await;
    let read = app
        .as_admin()
        .get_secret(&project, "dev", "/app", "TLS_KEY")
        .await;
    assert_eq!(
        read["secret"]["value"].as_str().unwrap().as_bytes(),
        b"-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----\n"
    );
    assert_eq!(read["secret"]["comment"], "first\nsecond");
}

#[tokio::test]
async fn a_comment_edited_in_the_browser_leaves_an_lf_value_byte_identical() {
    let (app, project, browser, csrf) = browsing().await;
    let admin = app.as_admin();
    admin
        .create_secret(&project, "dev", "/app", "MULTI", "line1\nline2")
        .await;
    // The edit form shows the value in a textarea, which the browser posts back with CRLF.
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/app"),
        ("key", "MULTI"),
        ("value", "line1\r\nline2"),
        ("comment", "now with a comment"),
    ];
    post(&browser, &project, "edit", &fields).await;
    let read = admin.get_secret(&project, "dev", "/app", "MULTI").await;
    assert_eq!(
        read["secret"]["value"].as_str().unwrap().as_bytes(),
        b"line1\nline2"
    );
    assert_eq!(read["secret"]["comment"], "now with a comment");
}

#[tokio::test]
async fn an_edit_unchanged_once_normalised_writes_no_new_version() {
    let (app, project, browser, csrf) = browsing().await;
    let admin = app.as_admin();
    admin
        .create_secret(&project, "dev", "/app", "MULTI", "line1\nline2")
        .await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/app"),
        ("key", "MULTI"),
        ("value", "line1\r\nline2"),
        ("comment", ""),
    ];
    post(&browser, &project, "edit", &fields).await;
    let read = admin.get_secret(&project, "dev", "/app", "MULTI").await;
    assert_eq!(read["secret"]["version"], 1, "{read}");
}

#[tokio::test]
async fn the_json_api_stores_crlf_as_it_is_sent() {
    let (app, project, _browser, _csrf) = browsing().await;
    let admin = app.as_admin();
    admin
        .create_secret(&project, "dev", "/app", "RAW", "a\r\nb")
        .await;
    let read = admin.get_secret(&project, "dev", "/app", "RAW").await;
    assert_eq!(read["secret"]["value"], "a\r\nb");
}
