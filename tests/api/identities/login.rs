//! `POST /api/v1/auth/universal-auth/login`, renew, revoke.

use super::{machine, token_id};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn login_answers_the_four_fields_and_the_token_reads_the_raw_route() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let login = m.login_with(&secret).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    assert_eq!(
        (
            &login["expiresIn"],
            &login["accessTokenMaxTTL"],
            &login["tokenType"]
        ),
        (&json!(7200), &json!(2592000), &json!("Bearer"))
    );
    let token = login["accessToken"].as_str().unwrap();
    let read = m.as_identity(token).get(&m.raw("dev")).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(read["secrets"][0]["secretValue"], "a");
    let native = m
        .as_identity(token)
        .get(&format!(
            "/api/v1/projects/{}/secrets?environment=dev&path=/",
            m.project
        ))
        .await;
    assert_eq!(native["secrets"][0]["value"], "a", "{native}");
}

#[tokio::test]
async fn a_wrong_client_secret_or_client_id_is_a_401() {
    let m = machine("viewer").await;
    m.secret(json!({})).await;
    let wrong = m.login_with(&"0".repeat(64)).await;
    wrong.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let body = json!({ "clientId": "nobody", "clientSecret": "x" });
    let unknown = m
        .app
        .anonymous()
        .post_json("/api/v1/auth/universal-auth/login", body)
        .await;
    unknown.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let missing = m
        .app
        .anonymous()
        .post_json(
            "/api/v1/auth/universal-auth/login",
            json!({ "clientId": "x" }),
        )
        .await;
    missing.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}

#[tokio::test]
async fn a_form_login_works_and_a_stale_authorization_header_is_ignored() {
    use crate::helpers::Answered;
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let form = format!("clientId={}&clientSecret={secret}", m.client_id);
    let login = m
        .app
        .anonymous()
        .request(Method::POST, "/api/v1/auth/universal-auth/login")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            AUTHORIZATION,
            format!("Bearer mi.{}.{}", "0".repeat(32), "0".repeat(32)),
        )
        .body(form)
        .answer()
        .await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn renew_answers_the_same_fields_and_revoke_ends_the_token() {
    let m = machine("viewer").await;
    let token = m.token().await;
    let renewed = m
        .app
        .anonymous()
        .post_json("/api/v1/auth/token/renew", json!({ "accessToken": token }))
        .await;
    assert_eq!(
        (renewed.status, &renewed["expiresIn"]),
        (StatusCode::OK, &json!(7200)),
        "{renewed}"
    );
    let token = renewed["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(
        m.as_identity(&token).get(&m.raw("dev")).await.status,
        StatusCode::OK
    );
    let revoked = m
        .app
        .anonymous()
        .post_json("/api/v1/auth/token/revoke", json!({ "accessToken": token }))
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{revoked}");
    let after = m.as_identity(&token).get(&m.raw("dev")).await;
    after.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn a_renewal_past_the_max_ttl_is_refused() {
    let m = machine("viewer").await;
    m.settings(json!({ "accessTokenTTL": 2, "accessTokenMaxTTL": 3 }))
        .await;
    let token = m.token().await;
    // As if the token had been issued 1.5 s ago: a renewal would run to 3.5 s, past 3 s.
    m.sql(
        "UPDATE identity_access_tokens SET created_at = created_at - 1500 WHERE id = ?1",
        &token_id(&token),
    );
    let renewed = m
        .app
        .anonymous()
        .post_json("/api/v1/auth/token/renew", json!({ "accessToken": token }))
        .await;
    renewed.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        renewed["message"].as_str().unwrap().contains("Max TTL"),
        "{renewed}"
    );
}

#[tokio::test]
async fn deleting_the_identity_ends_its_tokens_at_once() {
    let m = machine("viewer").await;
    let token = m.token().await;
    assert_eq!(
        m.as_identity(&token).get(&m.raw("dev")).await.status,
        StatusCode::OK,
        "cached now"
    );
    let deleted = m
        .app
        .as_admin()
        .delete(&format!("/api/v1/identities/{}", m.identity))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted}");
    let after = m.as_identity(&token).get(&m.raw("dev")).await;
    after.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn an_identity_is_refused_on_the_encrypted_routes_naming_the_raw_route() {
    let m = machine("viewer").await;
    let token = m.token().await;
    let path = format!(
        "/api/v3/secrets?workspaceId={}&environment=dev&secretPath=/",
        m.project
    );
    for path in [path.as_str(), "/api/v2/service-token"] {
        let refused = m.as_identity(&token).get(path).await;
        refused.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("/api/v3/secrets/raw"),
            "{refused}"
        );
    }
}
