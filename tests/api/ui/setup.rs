//! The first-run setup page.

use crate::helpers::TestApp;
use reqwest::StatusCode;

async fn first_run() -> TestApp {
    TestApp::spawn_with(|c| c.admin = None).await
}

fn setup_fields(code: &str) -> [(&str, &str); 4] {
    [
        ("setup_code", code),
        ("email", "first@example.com"),
        ("password", "a-long-password"),
        ("confirm", "a-long-password"),
    ]
}

#[tokio::test]
async fn the_home_page_of_a_first_run_redirects_to_setup() {
    let app = first_run().await;
    assert_eq!(app.new_browser().get("/").await.location(), "/setup");
}

#[tokio::test]
async fn a_setup_form_without_the_pre_session_token_is_refused() {
    let app = first_run().await;
    let code = app.state.setup.pending().unwrap();
    let refused = app
        .new_browser()
        .post_form("/setup", &setup_fields(&code))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_setup_page_creates_the_first_admin_and_then_closes() {
    let app = first_run().await;
    let code = app.state.setup.pending().unwrap();
    let browser = app.new_browser();
    let created = browser
        .submit_with_preauth("/setup", &setup_fields(&code))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(created.location(), "/login?notice=setup");
    assert_eq!(browser.get("/setup").await.location(), "/login");
}
