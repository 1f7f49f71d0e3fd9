//! Before any sweep, an expired token is refused and shown as expired.

use super::expired_token;
use crate::helpers::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn an_expired_token_is_refused_saying_it_has_expired() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Expiry").await;
    let (token, _) = expired_token(&app, &project).await;
    let refused = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/")
        .await;
    refused.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(refused["message"], "Service token has expired");
}

#[tokio::test]
async fn only_the_secrets_holder_learns_of_the_expiry() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Expiry").await;
    let (_, id) = expired_token(&app, &project).await;
    let wrong_secret = format!("st.{id}.{}", "0".repeat(32));
    let refused = app
        .as_token(&wrong_secret)
        .list_secrets(&project, "dev", "/")
        .await;
    refused.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_ne!(refused["message"], "Service token has expired");
    assert!(refused["expiredAt"].is_null(), "{refused}");
}

#[tokio::test]
async fn the_expired_tokens_refusal_says_when_it_expired() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Expiry").await;
    let (token, id) = expired_token(&app, &project).await;
    let at = 1_700_000_000_123;
    super::set_expiry(&app, &id, at);
    let refused = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/")
        .await;
    refused.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(
        refused["expiredAt"], "2023-11-14T22:13:20.123Z",
        "{refused}"
    );
}

#[tokio::test]
async fn expired_tokens_stay_listed_as_expired_until_swept() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Expiry").await;
    expired_token(&app, &project).await;
    app.mint_scoped(&project, "forever", "dev", "/", &["read"])
        .await;
    let list = app.as_admin().list_tokens(&project).await;
    let expired: Vec<bool> = list["serviceTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["expired"].as_bool().unwrap())
        .collect();
    assert!(
        expired.contains(&true) && expired.contains(&false),
        "{list}"
    );
}
