//! Expired tokens: refused at once, listed as expired, and deleted by the sweep job
//! (`sweep::run_once`, called with a fixed `now`, or on its schedule).

mod expired_tokens;
mod run_once;
mod schedule;

use crate::helpers::TestApp;
use envkeep::time::now_millis;
use serde_json::json;

/// Sets token `id`'s expiry (milliseconds since the epoch) in the file.
fn set_expiry(app: &TestApp, token_id: &str, at: i64) {
    let changed = app
        .sqlite()
        .execute(
            "UPDATE service_tokens SET expires_at = ?2 WHERE id = ?1",
            rusqlite::params![token_id, at],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

/// Mints a read token for dev:/ and expires it; returns (token, id).
async fn expired_token(app: &TestApp, project: &str) -> (String, String) {
    // Expiry is fixed at minting (60 s at least); the test moves it into the past in the file
    // before the token's first use, as the passage of time would.
    let (token, id) = app
        .mint(project, json!({ "name": "short", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": 60 }))
        .await;
    set_expiry(app, &id, now_millis() - 1_000);
    (token, id)
}
