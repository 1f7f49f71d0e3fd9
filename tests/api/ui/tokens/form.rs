//! The token form: its choices, scope rows added and removed by a round trip, and invalid input
//! re-rendered with a message by each field.

use crate::helpers::TestApp;
use crate::ui::{new_token_page, token_form};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn invalid_token_form_rerenders_with_values_and_messages_by_each_field() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(
        &csrf,
        "keep-me",
        &[("dev", "/app/[x]"), ("nope", "/ok")],
        &[
            ("expiration", "custom"),
            ("custom_date", "2001-01-01"),
            ("allowed_ips", "10.0.0.0/8\r\nnot-an-ip"),
            ("perm_write", "1"),
        ],
    );
    let refused = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = &refused.text;
    assert!(html.contains("value=\"keep-me\""), "name kept");
    assert!(
        html.contains("value=\"/app/[x]\"") && html.contains("value=\"/ok\""),
        "paths kept"
    );
    assert!(
        html.contains("id=\"scope_path_0-error\""),
        "glob error by its row"
    );
    assert!(
        html.contains("id=\"allowed-ips-error\"") && html.contains("not-an-ip"),
        "IP error by its field"
    );
    assert!(
        html.contains("id=\"expiration-error\"") && html.contains("Pick today or a later date.")
    );
    assert!(
        html.contains("<option value=\"custom\" selected>"),
        "expiration kept"
    );
    assert!(
        html.contains("name=\"perm_write\" value=\"1\" checked"),
        "write kept"
    );
    let tokens = app.as_admin().list_tokens(&project).await;
    assert_eq!(tokens.status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["serviceTokens"], json!([]), "nothing minted");
}

/// Posts a form for a read token (when `read` is set) scoped to the unknown environment `qa`.
async fn post_qa_token(app: &TestApp, project: &str, extra: &[(&str, &str)]) -> String {
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("name", "x"),
        ("scope_env", "qa"),
        ("scope_path", "/"),
        ("expiration", "never"),
    ];
    form.extend_from_slice(extra);
    let refused = browser.post_form(&new_token_page(project), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.text
}

#[tokio::test]
async fn missing_permissions_are_reported_by_their_field() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let html = post_qa_token(&app, &project, &[]).await;
    assert!(html.contains("Choose Read, Write or both."));
}

#[tokio::test]
async fn an_unknown_environment_is_reported_by_its_row() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let html = post_qa_token(&app, &project, &[("perm_read", "1")]).await;
    assert!(
        html.contains("id=\"scope_env_0-error\"")
            && html.contains("does not exist in this project"),
        "{html}"
    );
}

#[tokio::test]
async fn a_scope_row_is_added_by_a_round_trip_keeping_what_was_typed() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(&csrf, "rows", &[("staging", "/one")], &[("add_scope", "1")]);
    let added = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(
        added.text.contains("id=\"scope_path_1\"")
            && added.text.contains("value=\"/one\"")
            && added.text.contains("value=\"rows\"")
    );
}

#[tokio::test]
async fn a_scope_row_is_removed_by_a_round_trip_keeping_the_others() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(
        &csrf,
        "rows",
        &[("staging", "/one"), ("prod", "/two")],
        &[("remove_scope", "0")],
    );
    let html = browser
        .post_form(&new_token_page(&project), &form)
        .await
        .text;
    assert!(
        !html.contains("id=\"scope_path_1\"")
            && !html.contains("value=\"/one\"")
            && html.contains("value=\"/two\"")
    );
    assert!(html.contains("<option value=\"prod\" selected>"));
}

#[tokio::test]
async fn the_token_form_offers_the_documented_choices() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let html = app.browser().get(&new_token_page(&project)).await.text;
    for label in [
        "1 day",
        "7 days",
        "1 month",
        "6 months",
        "12 months",
        "Never",
        "Custom date…",
    ] {
        assert!(html.contains(&format!(">{label}</option>")), "{label}");
    }
    assert!(
        html.contains("<option value=\"86400\" selected>1 day</option>"),
        "1 day is the default"
    );
    assert!(html.contains("<label for=\"expiration\">Expiration</label>"));
    assert!(
        html.contains("<option value=\"dev\" selected>Development</option>")
            && html.contains("<option value=\"staging\">Staging</option>")
    );
    assert!(html.contains("placeholder=\"/, /app/**, /**/deep\"") && html.contains("value=\"/\""));
    assert!(
        html.contains("id=\"perm_read\" name=\"perm_read\" value=\"1\" checked")
            && !html.contains("name=\"perm_write\" value=\"1\" checked")
    );
    assert!(html.contains("type=\"date\" id=\"custom_date\""));
}
