//! A token's allowed addresses are checked against the forwarded client: ports are not part of
//! the address, and a client the proxy named with garbage passes no allowlist.

use super::{behind_a_proxy, get_forwarded};
use crate::helpers::{paths, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// A project with a secret in dev and a read token allowed only from `allowed`.
async fn token_allowing(app: &TestApp, allowed: &[&str]) -> (String, String) {
    let project = app.create_project("Proxied").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let body = json!({
        "name": "limited", "scopes": [{ "environment": "dev", "secretPath": "/" }],
        "permissions": ["read"], "expiresIn": null, "allowedIps": allowed,
    });
    (project.clone(), app.mint(&project, body).await.0)
}

async fn read_as(app: &TestApp, project: &str, token: &str, forwarded_for: &str) -> StatusCode {
    let path = paths::secrets_in(project, "dev", "/");
    get_forwarded(&app.as_token(token), &path, forwarded_for)
        .await
        .status
}

#[tokio::test]
async fn forwarded_hops_with_a_port_name_their_address() {
    let app = behind_a_proxy(|_| {}).await;
    let (project, token) = token_allowing(&app, &["203.0.113.0/24", "2001:db8::/32"]).await;
    for hop in ["203.0.113.5:4711", "[2001:db8::1]:4711", "[2001:db8::1]"] {
        assert_eq!(
            read_as(&app, &project, &token, hop).await,
            StatusCode::OK,
            "{hop}"
        );
    }
    let (project, loopback) = token_allowing(&app, &["127.0.0.0/8"]).await;
    for hop in ["203.0.113.5:4711", "[2001:db8::1]:4711"] {
        assert_eq!(
            read_as(&app, &project, &loopback, hop).await,
            StatusCode::FORBIDDEN,
            "{hop} is not the proxy"
        );
    }
}

#[tokio::test]
async fn a_garbage_hop_makes_the_client_unknown_and_every_allowlist_refuses_it() {
    let app = behind_a_proxy(|_| {}).await;
    let (project, loopback) = token_allowing(&app, &["127.0.0.0/8"]).await;
    let (_, anywhere) = token_allowing(&app, &["0.0.0.0/0", "::/0"]).await;
    for hop in [
        "unknown",
        "198.51.100.7, garbage",
        "garbage, 127.0.0.1",
        "1.2.3.4:x",
    ] {
        for token in [&loopback, &anywhere] {
            let refused = read_as(&app, &project, token, hop).await;
            assert_eq!(refused, StatusCode::FORBIDDEN, "{hop}");
        }
    }
    assert_eq!(
        read_as(&app, &project, &loopback, "127.0.0.1").await,
        StatusCode::OK,
        "a readable hop still counts"
    );
}
