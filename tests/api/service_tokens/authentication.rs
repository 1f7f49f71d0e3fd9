//! Which bearers authenticate, and that every refusal looks the same.

use super::read_dev_app;
use crate::helpers::{access_part, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn revocation_takes_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Revoke").await;
    app.create_secret(&project, "dev", "/app", "K", "v").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let holder = app.as_token(&token);
    assert_eq!(
        holder.list_secrets(&project, "dev", "/app").await.status,
        StatusCode::OK
    );
    app.revoke(&project, &id).await;
    holder
        .list_secrets(&project, "dev", "/app")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn revoking_a_token_twice_is_404() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Revoke").await;
    let (_, id) = app.mint(&project, read_dev_app()).await;
    app.revoke(&project, &id).await;
    assert_eq!(
        app.as_admin().revoke(&project, &id).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_id_wrong_secret_revoked_and_malformed_tokens_look_the_same() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Probe").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let (revoked, revoked_id) = app.mint(&project, read_dev_app()).await;
    app.revoke(&project, &revoked_id).await;
    let wrong_secret = format!("st.{id}.{}", "0".repeat(32));
    let unknown_id = format!("st.{}.{}", "a".repeat(32), token.split('.').nth(2).unwrap());
    let mut bodies = Vec::new();
    for bad in [
        wrong_secret,
        unknown_id,
        revoked,
        "st.nothex.nothex".to_owned(),
        "st.".to_owned(),
    ] {
        let refused = app
            .as_token(&bad)
            .list_secrets(&project, "dev", "/app")
            .await;
        refused.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
        bodies.push(refused.json);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
}

#[tokio::test]
async fn both_the_access_part_and_the_full_token_authenticate() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Parts").await;
    app.create_secret(&project, "dev", "/app", "K", "v").await;
    let (token, _) = app.mint(&project, read_dev_app()).await;
    for bearer in [
        access_part(&token),
        token.clone(),
        format!("{token}.extra.dots"),
    ] {
        assert_eq!(
            app.as_token(&bearer)
                .list_secrets(&project, "dev", "/app")
                .await
                .status,
            StatusCode::OK,
            "{bearer}"
        );
    }
}
