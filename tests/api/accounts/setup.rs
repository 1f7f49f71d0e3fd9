//! First run: a setup code creates the first admin, once.

use crate::helpers::{paths, Answer, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

/// A server on a fresh data dir with no admin configured: setup is open.
async fn first_run() -> TestApp {
    TestApp::spawn_with(|c| c.admin = None).await
}

fn setup_code(app: &TestApp) -> String {
    app.state
        .setup
        .pending()
        .expect("a setup code is issued when no user exists")
}

async fn set_up(app: &TestApp, code: &str, password: &str) -> Answer {
    let body = json!({ "setupCode": code, "email": ADMIN_EMAIL, "password": password });
    app.anonymous().post_json(paths::SETUP, body).await
}

#[tokio::test]
async fn a_wrong_setup_code_is_refused_with_401() {
    let app = first_run().await;
    set_up(&app, "wrong-code", ADMIN_PASSWORD)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn the_setup_code_creates_the_first_admin_who_can_then_log_in() {
    let app = first_run().await;
    let created = set_up(&app, &setup_code(&app), ADMIN_PASSWORD).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(created["user"]["email"], ADMIN_EMAIL);
    assert_eq!(app.log_in_admin().await.len(), 64);
}

#[tokio::test]
async fn setup_is_closed_for_good_once_the_first_admin_exists() {
    let app = first_run().await;
    let code = setup_code(&app);
    assert_eq!(
        set_up(&app, &code, ADMIN_PASSWORD).await.status,
        StatusCode::CREATED
    );
    set_up(&app, &code, ADMIN_PASSWORD)
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
    assert_eq!(
        app.new_browser().get("/setup").await.status,
        StatusCode::SEE_OTHER,
        "the setup page closes once a user exists"
    );
}

#[tokio::test]
async fn setup_refuses_a_short_password_and_writes_nothing() {
    let app = first_run().await;
    let refused = set_up(&app, &setup_code(&app), "short").await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(refused["details"][0]["field"], "password");
    assert_eq!(app.count_rows("users"), 0);
    assert!(app.state.setup.is_open());
}

#[tokio::test]
async fn environment_bootstrap_creates_the_admin_and_issues_no_setup_code() {
    let app = TestApp::spawn().await;
    assert!(app.state.setup.pending().is_none());
    assert_eq!(app.as_admin().list_projects().await.status, StatusCode::OK);
}
