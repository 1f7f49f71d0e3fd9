//! Brute force: repeated failures from one address (bad tokens or bad logins) get 429 with
//! `Retry-After`; another address (127.0.0.2) is unaffected, and a valid token is never refused.

use super::support::project_with_token;
use crate::helpers::{Answer, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use envkeep::domain::ClientAddr;
use reqwest::StatusCode;

const LIMIT: u32 = 5;

async fn throttled_after(limit: u32) -> TestApp {
    TestApp::spawn_with(|c| c.auth_failure_limit = limit).await
}

fn retry_after(answer: &Answer) -> u64 {
    answer
        .header("retry-after")
        .parse()
        .expect("429 carries Retry-After in whole seconds")
}

/// A server whose address 127.0.0.1 has sent LIMIT + 2 bad tokens; returns it with the access
/// part of a valid token and the statuses of those bad attempts.
async fn after_bad_tokens() -> (TestApp, String, String, Vec<StatusCode>) {
    let app = throttled_after(LIMIT).await;
    let (_, token, token_id) = project_with_token(&app).await;
    let wrong = format!("st.{token_id}.{}", "0".repeat(32));
    let attacker = app.anonymous_from("127.0.0.1").with_bearer(&wrong);
    let mut statuses = Vec::new();
    for _ in 0..LIMIT + 2 {
        statuses.push(attacker.whoami().await.status);
    }
    (app, token, wrong, statuses)
}

#[tokio::test]
async fn bad_tokens_from_one_address_are_throttled_and_others_are_not() {
    let (app, token, wrong, statuses) = after_bad_tokens().await;
    assert!(
        statuses[..LIMIT as usize - 1]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[LIMIT as usize..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let throttled = app
        .anonymous_from("127.0.0.1")
        .with_bearer(&wrong)
        .whoami()
        .await;
    let secs = retry_after(&throttled);
    assert!((1..=60).contains(&secs), "Retry-After {secs}");
    throttled.assert_error(StatusCode::TOO_MANY_REQUESTS, "RateLimitExceeded");

    // Another address is unaffected: its bad token is a plain 401, its good token works.
    let neighbour = app.anonymous_from("127.0.0.2");
    assert_eq!(
        neighbour.clone().with_bearer(&wrong).whoami().await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        neighbour.with_bearer(&token).whoami().await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_valid_token_is_never_refused_from_a_throttled_address() {
    let (app, token, _, _) = after_bad_tokens().await;
    let valid = app
        .anonymous_from("127.0.0.1")
        .with_bearer(&token)
        .whoami()
        .await;
    assert_eq!(valid.status, StatusCode::OK);
}

#[tokio::test]
async fn logins_from_an_address_throttled_for_bad_tokens_wait_and_others_do_not() {
    let (app, _, _, _) = after_bad_tokens().await;
    let from_attacker = app
        .anonymous_from("127.0.0.1")
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(from_attacker.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&from_attacker) >= 1);
    let from_neighbour = app
        .anonymous_from("127.0.0.2")
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(from_neighbour.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_passwords_from_one_address_are_throttled() {
    let app = throttled_after(LIMIT).await;
    let guesser = app.anonymous_from("127.0.0.3");
    let mut statuses = Vec::new();
    for n in 0..LIMIT + 1 {
        let wrong = guesser
            .login(&format!("nobody{n}@example.com"), "not-the-password")
            .await;
        statuses.push(wrong.status);
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(
        statuses[..LIMIT as usize - 1]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    let right = guesser.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&right) >= 1);
    // The same account from elsewhere logs in at once (a growing delay, never a lockout).
    let elsewhere = app
        .anonymous_from("127.0.0.4")
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK);
}

#[tokio::test]
async fn the_limiter_tracks_a_bounded_number_of_addresses() {
    let app = throttled_after(LIMIT).await;
    for i in 0..(envkeep::auth::throttle::MAX_TRACKED as u32 + 500) {
        let address = std::net::IpAddr::from((0x0a00_0000 + i).to_be_bytes());
        app.state
            .throttle
            .record_failure(&ClientAddr::from(address));
    }
    assert!(app.state.throttle.tracked() <= envkeep::auth::throttle::MAX_TRACKED);
}
