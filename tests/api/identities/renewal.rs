//! The access-token TTL counts from the last renewal (or the login); the max TTL from the
//! login, whatever the renewals. Times a test cannot wait for are moved in the database.

use super::{machine, token_id, Machine};
use reqwest::StatusCode;
use serde_json::json;

async fn renew(m: &Machine, token: &str) -> crate::helpers::Answer {
    m.app
        .anonymous()
        .post_json("/api/v1/auth/token/renew", json!({ "accessToken": token }))
        .await
}

/// Moves the token's login (and renewal, if any) `ms` milliseconds into the past.
fn age(m: &Machine, token: &str, ms: i64) {
    m.sql(
        &format!(
            "UPDATE identity_access_tokens SET created_at = created_at - {ms}, \
             last_renewed_at = last_renewed_at - {ms} WHERE id = ?1"
        ),
        &token_id(token),
    );
}

#[tokio::test]
async fn a_renewed_token_outlives_the_ttl_counted_from_its_login() {
    let m = machine("viewer").await;
    m.settings(json!({ "accessTokenTTL": 60, "accessTokenMaxTTL": 600 }))
        .await;
    let token = m.token().await;
    age(&m, &token, 50_000);
    assert_eq!(renew(&m, &token).await.status, StatusCode::OK);
    // 70 s after the login, 20 s after the renewal.
    age(&m, &token, 20_000);
    let read = m.as_identity(&token).get(&m.raw("dev")).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
}

#[tokio::test]
async fn a_token_past_its_ttl_is_not_renewed() {
    let m = machine("viewer").await;
    m.settings(json!({ "accessTokenTTL": 60, "accessTokenMaxTTL": 600 }))
        .await;
    let token = m.token().await;
    age(&m, &token, 61_000);
    let renewed = renew(&m, &token).await;
    renewed.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        renewed["message"]
            .as_str()
            .unwrap()
            .contains("TTL expiration"),
        "{renewed}"
    );
    let read = m.as_identity(&token).get(&m.raw("dev")).await;
    read.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn a_token_without_a_ttl_ends_at_its_max_ttl() {
    let m = machine("viewer").await;
    m.settings(json!({ "accessTokenTTL": 0, "accessTokenMaxTTL": 60 }))
        .await;
    let token = m.token().await;
    age(&m, &token, 61_000);
    let read = m.as_identity(&token).get(&m.raw("dev")).await;
    read.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        read["message"].as_str().unwrap().contains("Max TTL"),
        "{read}"
    );
}
