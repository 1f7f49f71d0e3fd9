//! `allowedIps` is checked against the peer address, or the client a trusted proxy names.

use crate::helpers::{paths, Answer, Answered, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A project with a secret in dev and a read token limited to `cidr`.
async fn token_allowing(app: &TestApp, cidr: &str) -> (String, String) {
    let project = app.create_project("Ips").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let body = json!({
        "name": "limited", "scopes": [{ "environment": "dev", "secretPath": "/" }],
        "permissions": ["read"], "expiresIn": null, "allowedIps": [cidr],
    });
    (project.clone(), app.mint(&project, body).await.0)
}

async fn read_forwarded_for(app: &TestApp, project: &str, token: &str, hops: &str) -> Answer {
    app.as_token(token)
        .request(Method::GET, &paths::secrets_in(project, "dev", "/"))
        .header("X-Forwarded-For", hops)
        .answer()
        .await
}

#[tokio::test]
async fn a_token_is_accepted_from_an_address_it_allows() {
    let app = TestApp::spawn().await;
    let (project, local) = token_allowing(&app, "127.0.0.1/32").await;
    let read = app
        .as_token(&local)
        .list_secrets(&project, "dev", "/")
        .await;
    assert_eq!(read.status, StatusCode::OK);
}

#[tokio::test]
async fn a_token_is_refused_from_an_address_it_does_not_allow() {
    let app = TestApp::spawn().await;
    let (project, remote) = token_allowing(&app, "203.0.113.0/24").await;
    app.as_token(&remote)
        .list_secrets(&project, "dev", "/")
        .await
        .assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = TestApp::spawn().await;
    let (project, remote) = token_allowing(&app, "203.0.113.0/24").await;
    let spoofed = read_forwarded_for(&app, &project, &remote, "203.0.113.9").await;
    assert_eq!(spoofed.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    let app =
        TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let (project, remote) = token_allowing(&app, "203.0.113.0/24").await;
    let via_proxy = read_forwarded_for(&app, &project, &remote, "198.51.100.1, 203.0.113.9").await;
    assert_eq!(
        via_proxy.status,
        StatusCode::OK,
        "the rightmost untrusted hop is the client"
    );
    let direct = app
        .as_token(&remote)
        .list_secrets(&project, "dev", "/")
        .await;
    assert_eq!(direct.status, StatusCode::FORBIDDEN);
}
