//! Unknown clients (a garbage forwarded hop) share one throttle bucket of their own, and the
//! audit trail stores no address for them but what the proxy sent, cut short.

use super::behind_a_proxy;
use crate::helpers::{eventually, paths, Answered, TestApp, ADMIN_EMAIL};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn wrong_login(app: &TestApp, forwarded_for: Option<&str>) -> StatusCode {
    let body = json!({ "email": ADMIN_EMAIL, "password": "not-the-password" });
    let mut request = app
        .anonymous()
        .request(Method::POST, paths::LOGIN)
        .json(&body);
    if let Some(hops) = forwarded_for {
        request = request.header("X-Forwarded-For", hops);
    }
    request.answer().await.status
}

#[tokio::test]
async fn unknown_clients_are_throttled_together_and_apart_from_the_proxy() {
    let app = behind_a_proxy(|c| c.auth_failure_limit = 3).await;
    let mut statuses = Vec::new();
    for hop in ["unknown", "garbage", "not an address"] {
        statuses.push(wrong_login(&app, Some(hop)).await);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(
        wrong_login(&app, Some("x-y-z")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        wrong_login(&app, None).await,
        StatusCode::UNAUTHORIZED,
        "the proxy's own address is another bucket"
    );
    assert_eq!(
        wrong_login(&app, Some("203.0.113.9:5000")).await,
        StatusCode::UNAUTHORIZED,
        "a known client is another bucket"
    );
}

/// `(ip, detail)` of the audit rows of `action`, oldest first.
fn audit_rows(app: &TestApp, action: &str) -> Vec<(Option<String>, serde_json::Value)> {
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare("SELECT ip, detail FROM audit_events WHERE action = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([action], |r| {
        let detail: String = r.get(1)?;
        Ok((r.get(0)?, serde_json::from_str(&detail).unwrap()))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[tokio::test]
async fn an_unknown_client_is_audited_with_no_address_and_the_raw_hop_cut_to_64_characters() {
    let app = behind_a_proxy(|_| {}).await;
    let garbage = format!("not-an-address-{}", "x".repeat(100));
    assert_eq!(
        wrong_login(&app, Some(&garbage)).await,
        StatusCode::UNAUTHORIZED
    );
    eventually("the failed login is audited", async || {
        !audit_rows(&app, "session.login_failed").is_empty()
    })
    .await;
    let (ip, detail) = audit_rows(&app, "session.login_failed").remove(0);
    assert_eq!(ip, None);
    assert_eq!(detail["ipRaw"], garbage[..64]);
}

#[tokio::test]
async fn a_known_forwarded_client_is_audited_with_its_address() {
    let app = behind_a_proxy(|_| {}).await;
    assert_eq!(
        wrong_login(&app, Some("[2001:db8::7]:443")).await,
        StatusCode::UNAUTHORIZED
    );
    eventually("the failed login is audited", async || {
        !audit_rows(&app, "session.login_failed").is_empty()
    })
    .await;
    let (ip, detail) = audit_rows(&app, "session.login_failed").remove(0);
    assert_eq!(ip.as_deref(), Some("2001:db8::7"));
    assert!(detail.get("ipRaw").is_none(), "{detail}");
}
