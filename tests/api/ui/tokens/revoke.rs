//! Revoking in the UI: a confirmation page, then the API refuses the token.

use crate::helpers::{access_part, TestApp};
use crate::ui::revoke_page;
use reqwest::StatusCode;

/// A token named "old"; returns (project, token's access part, revoke page).
async fn token_to_revoke(app: &TestApp) -> (String, String, String) {
    let project = app.create_project("Shop").await;
    let (token, id) = app
        .mint_scoped(&project, "old", "dev", "/", &["read"])
        .await;
    let revoke = revoke_page(&project, &id);
    (project, access_part(&token), revoke)
}

#[tokio::test]
async fn the_revoke_page_asks_for_confirmation_and_revokes_nothing() {
    let app = TestApp::spawn().await;
    let (_, token, revoke) = token_to_revoke(&app).await;
    let confirm = app.browser().get(&revoke).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.text.contains("Revoke service token old?"));
    assert_eq!(
        app.as_token(&token).whoami().await.status,
        StatusCode::OK,
        "the confirmation page alone revokes nothing"
    );
}

#[tokio::test]
async fn confirming_a_revocation_makes_the_api_refuse_the_token() {
    let app = TestApp::spawn().await;
    let (_, token, revoke) = token_to_revoke(&app).await;
    assert_eq!(app.as_token(&token).whoami().await.status, StatusCode::OK);
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let done = browser.post_form(&revoke, &[("csrf_token", &csrf)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.as_token(&token).whoami().await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        browser.get(&revoke).await.status,
        StatusCode::NOT_FOUND,
        "the revoke page of a revoked token is gone"
    );
}

#[tokio::test]
async fn a_developer_is_refused_the_revoke_page_of_a_token_beyond_its_environments() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let dev = app
        .member_of(&project, "dev@example.com", "developer", Some(&["dev"]))
        .await;
    let (_, id) = app
        .mint_scoped(&project, "prod-ci", "prod", "/", &["read"])
        .await;
    let browser = app.new_browser();
    let login = browser
        .log_in_as(&dev.email, crate::helpers::USER_PASSWORD)
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{login}");
    let page = browser.get(&revoke_page(&project, &id)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{page}");
    assert!(!page.text.contains("prod-ci"));
}
