//! The line under each scope row of the token form: what the scope matches (in words) and how
//! many secrets that is today, written by the server into every rendering of the form and
//! answered as JSON for the form's script.

use crate::helpers::TestApp;
use crate::ui::{new_token_page, token_form, tokens_page};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A project with one secret in dev:/, two in dev:/app, one in dev:/app/db and one in prod:/.
async fn project_with_secrets(app: &TestApp) -> String {
    let project = app.create_project("Shop").await;
    for (env, path, key) in [
        ("dev", "/", "ROOT_KEY"),
        ("dev", "/app", "APP_A"),
        ("dev", "/app", "APP_B"),
        ("dev", "/app/db", "DB_URL"),
        ("prod", "/", "PROD_KEY"),
    ] {
        app.create_secret(&project, env, path, key, "v").await;
    }
    project
}

fn preview_url(project: &str, env: &str, path: &str) -> String {
    let path = path.replace('/', "%2F").replace('*', "%2A");
    format!(
        "{}/scope-preview?environment={env}&path={path}",
        tokens_page(project)
    )
}

#[tokio::test]
async fn the_default_scope_row_says_it_is_the_root_folder_only() {
    let app = TestApp::spawn().await;
    let project = project_with_secrets(&app).await;
    let page = app.browser().get(&new_token_page(&project)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains("Matches the root folder only, not the folders inside it · 1 secret today"),
        "{}",
        page.text
    );
    assert!(page.text.contains("<strong>the root folder only</strong>"));
}

#[tokio::test]
async fn the_preview_endpoint_describes_a_glob_and_counts_the_secrets_below_it() {
    let app = TestApp::spawn().await;
    let project = project_with_secrets(&app).await;
    let answer = app
        .browser()
        .get(&preview_url(&project, "dev", "app/**/"))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body: Value = serde_json::from_str(&answer.text).unwrap();
    assert_eq!(
        body,
        json!({
            "path": "/app/**",
            "matches": "/app and everything below it",
            "secrets": 3,
            "line": "Matches /app and everything below it · 3 secrets today",
        })
    );
}

#[tokio::test]
async fn the_preview_endpoint_refuses_a_path_no_scope_accepts_with_a_422_naming_it() {
    let app = TestApp::spawn().await;
    let project = project_with_secrets(&app).await;
    let answer = app
        .browser()
        .get(&preview_url(&project, "dev", "/app/[x]"))
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_str(&answer.text).unwrap();
    assert_eq!(body["error"], "ValidationFailure", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("'[' is not supported"),
        "{body}"
    );
}

#[tokio::test]
async fn a_developer_gets_no_count_for_an_environment_they_cannot_read() {
    let app = TestApp::spawn().await;
    let project = project_with_secrets(&app).await;
    app.member_of(&project, "dev@example.com", "developer", Some(&["dev"]))
        .await;
    let browser = app.new_browser();
    browser
        .log_in_as("dev@example.com", crate::helpers::USER_PASSWORD)
        .await;
    let prod = browser.get(&preview_url(&project, "prod", "/**")).await;
    assert_eq!(prod.status, StatusCode::OK, "{}", prod.text);
    let body: Value = serde_json::from_str(&prod.text).unwrap();
    assert_eq!(body["secrets"], Value::Null, "{body}");
    assert_eq!(
        body["line"],
        "Matches every folder: the root and everything below it"
    );
    let dev = browser.get(&preview_url(&project, "dev", "/**")).await;
    let body: Value = serde_json::from_str(&dev.text).unwrap();
    assert_eq!(body["secrets"], 4, "{body}");
}

#[tokio::test]
async fn without_javascript_preview_rerenders_the_lines_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let project = project_with_secrets(&app).await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(
        &csrf,
        "ci",
        &[("dev", "/app/*"), ("prod", "/")],
        &[("expiration", "86400"), ("preview", "1")],
    );
    let page = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(
        "Matches each folder directly inside /app, not /app itself nor anything deeper · 1 secret today"
    ));
    assert!(page
        .text
        .contains("Matches the root folder only, not the folders inside it · 1 secret today"));
    let tokens = app.as_admin().list_tokens(&project).await;
    assert_eq!(tokens["serviceTokens"], json!([]), "nothing minted");
}

#[tokio::test]
async fn the_preview_of_an_unknown_project_is_a_404() {
    let app = TestApp::spawn().await;
    let answer = app
        .browser()
        .get(&preview_url("no-such-project", "dev", "/"))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}
