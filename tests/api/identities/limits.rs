//! The limits checked on every login and use: client-secret uses and TTL, access-token uses,
//! TTL and IPs.

use super::{machine, token_id};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_client_secret_with_a_use_limit_allows_that_many_logins() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({ "numUsesLimit": 2 })).await;
    for _ in 0..2 {
        assert_eq!(m.login_with(&secret).await.status, StatusCode::OK);
    }
    let third = m.login_with(&secret).await;
    third.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        third["message"].as_str().unwrap().contains("usage limit"),
        "{third}"
    );
    let listed = m
        .app
        .as_admin()
        .get(&format!("/api/v1/identities/{}/client-secrets", m.identity))
        .await;
    assert_eq!(listed["clientSecrets"][0]["usesLeft"], 0, "{listed}");
    assert!(!listed.text.contains(&secret), "never the secret");
}

#[tokio::test]
async fn an_expired_client_secret_is_refused() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({ "ttl": 60 })).await;
    m.sql(
        "UPDATE identity_client_secrets SET created_at = created_at - 61000 WHERE identity_id = ?1",
        &m.identity,
    );
    let login = m.login_with(&secret).await;
    login.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        login["message"].as_str().unwrap().contains("expired"),
        "{login}"
    );
}

#[tokio::test]
async fn a_revoked_client_secret_logs_in_no_more() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let listed = m
        .app
        .as_admin()
        .get(&format!("/api/v1/identities/{}/client-secrets", m.identity))
        .await;
    let id = listed["clientSecrets"][0]["id"].as_str().unwrap();
    let path = format!("/api/v1/identities/{}/client-secrets/{id}", m.identity);
    assert_eq!(
        m.app.as_admin().delete(&path).await.status,
        StatusCode::NO_CONTENT
    );
    m.login_with(&secret)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn an_access_token_with_a_use_limit_allows_that_many_calls() {
    let m = machine("viewer").await;
    m.settings(json!({ "accessTokenNumUsesLimit": 2 })).await;
    let token = m.token().await;
    for _ in 0..2 {
        assert_eq!(
            m.as_identity(&token).get(&m.raw("dev")).await.status,
            StatusCode::OK
        );
    }
    let third = m.as_identity(&token).get(&m.raw("dev")).await;
    third.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn an_access_token_past_its_ttl_is_refused() {
    let m = machine("viewer").await;
    m.settings(json!({ "accessTokenTTL": 60 })).await;
    let token = m.token().await;
    m.sql(
        "UPDATE identity_access_tokens SET created_at = created_at - 61000 WHERE id = ?1",
        &token_id(&token),
    );
    let read = m.as_identity(&token).get(&m.raw("dev")).await;
    read.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(read["message"].as_str().unwrap().contains("TTL"), "{read}");
}

#[tokio::test]
async fn untrusted_addresses_are_refused_for_tokens_and_logins() {
    let m = machine("viewer").await;
    let token = m.token().await;
    assert_eq!(
        m.as_identity(&token).get(&m.raw("dev")).await.status,
        StatusCode::OK,
        "cached now"
    );
    m.settings(json!({ "accessTokenTrustedIps": ["10.9.9.9/32"] }))
        .await;
    let read = m.as_identity(&token).get(&m.raw("dev")).await;
    read.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    m.settings(json!({ "accessTokenTrustedIps": [], "clientSecretTrustedIps": ["10.9.9.9/32"] }))
        .await;
    let secret = m.secret(json!({})).await;
    m.login_with(&secret)
        .await
        .assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn a_ttl_above_the_max_ttl_is_refused() {
    let m = machine("viewer").await;
    let path = format!("/api/v1/identities/{}/universal-auth", m.identity);
    let refused = m
        .app
        .as_admin()
        .patch_json(
            &path,
            json!({ "accessTokenTTL": 100, "accessTokenMaxTTL": 50 }),
        )
        .await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}
