//! A token row changed behind the server's back so that it no longer decodes is refused like an
//! unknown token, never read as unrestricted and never a 500.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

/// Writes an `allowed_ips` that is valid JSON but not a CIDR into token `id`'s row, from another
/// connection.
fn corrupt(app: &TestApp, id: &str) {
    let changed = app
        .sqlite()
        .execute(
            r#"UPDATE service_tokens SET allowed_ips = '["not-a-cidr"]' WHERE id = ?1"#,
            [id],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

/// Two tokens limited to 127.0.0.1, the second corrupted before its first use (so no cached
/// record of it exists). Returns (project, intact token, corrupt token, corrupt id).
async fn intact_and_corrupt(app: &TestApp) -> (String, String, String, String) {
    let project = app.create_project("Corrupt").await;
    let body = json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null, "allowedIps": ["127.0.0.1/32"] });
    let (good, _) = app.mint(&project, body.clone()).await;
    let (bad, bad_id) = app.mint(&project, body).await;
    corrupt(app, &bad_id);
    (project, good, bad, bad_id)
}

#[tokio::test]
async fn a_token_whose_stored_allowed_ips_no_longer_decode_is_refused_not_unrestricted() {
    let app = TestApp::spawn().await;
    let (project, good, corrupt, _) = intact_and_corrupt(&app).await;
    let intact = app.as_token(&good).whoami().await;
    assert_eq!(
        intact.status,
        StatusCode::OK,
        "the intact token works: {intact}"
    );
    // Refused like an unknown token (and counted towards the address's throttle), not a 500.
    let refused = app.as_token(&corrupt).whoami().await;
    refused.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        !refused.text.contains("not-a-cidr"),
        "the body is generic: {refused}"
    );
    let read = app
        .as_token(&corrupt)
        .list_secrets(&project, "dev", "/")
        .await;
    assert_eq!(
        read.status,
        StatusCode::UNAUTHORIZED,
        "refused on reads too: {read}"
    );
}

#[tokio::test]
async fn a_token_whose_row_no_longer_decodes_is_left_out_of_the_list_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let (project, _, _, corrupt_id) = intact_and_corrupt(&app).await;
    let list = app.as_admin().list_tokens(&project).await;
    assert_eq!(list.status, StatusCode::OK, "{list}");
    let listed: Vec<&str> = list["serviceTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 1, "the corrupt row is left out: {list}");
    assert!(!listed.contains(&corrupt_id.as_str()));
    app.revoke(&project, &corrupt_id).await;
}

#[tokio::test]
async fn a_cached_token_whose_row_is_corrupted_is_refused_by_every_route_never_a_500() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Corrupt later").await;
    let (token, id) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let read = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/")
        .await;
    assert_eq!(
        read.status,
        StatusCode::OK,
        "the record is now cached: {read}"
    );
    corrupt(&app, &id);
    // Before or after the Store notices the outside change, the token-details route reads the
    // row itself: it must refuse the token, not fail.
    app.as_token(&token)
        .whoami()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}
