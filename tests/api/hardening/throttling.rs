//! Brute force: repeated failures from one address (bad tokens or bad logins) get 429 with
//! `Retry-After`; another address (127.0.0.2) is unaffected, and a valid token is never refused.

use super::support::{client_from, project_with_token, spawn_adjusted};
use crate::legacy_helpers::{body, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Client, Response, StatusCode};
use serde_json::json;

const LIMIT: u32 = 5;

fn retry_after(response: &Response) -> u64 {
    let value = response
        .headers()
        .get("retry-after")
        .expect("429 carries Retry-After");
    value
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is whole seconds")
}

async fn whoami(client: &Client, url: &str, token: &str) -> Response {
    client.get(url).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn bad_tokens_from_one_address_are_throttled_and_others_are_not() {
    let app = spawn_adjusted(|c| c.auth_failure_limit = LIMIT).await;
    let (_, token, token_id) = project_with_token(&app).await;
    let url = app.url("/api/v1/auth/token");
    let wrong = format!("st.{token_id}.{}", "0".repeat(32));
    let attacker = client_from("127.0.0.1");

    let mut statuses = Vec::new();
    for _ in 0..LIMIT + 2 {
        statuses.push(whoami(&attacker, &url, &wrong).await.status());
    }
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
    let throttled = whoami(&attacker, &url, &wrong).await;
    let secs = retry_after(&throttled);
    assert!((1..=60).contains(&secs), "Retry-After {secs}");
    let (status, json) = body(throttled).await;
    crate::legacy_helpers::assert_error(
        status,
        &json,
        StatusCode::TOO_MANY_REQUESTS,
        "RateLimitExceeded",
    );

    // A valid token is never refused, even from the throttled address.
    assert_eq!(
        whoami(&attacker, &url, &token).await.status(),
        StatusCode::OK
    );

    // Another address is unaffected: its bad token is a plain 401, its good token works.
    let neighbour = client_from("127.0.0.2");
    assert_eq!(
        whoami(&neighbour, &url, &wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        whoami(&neighbour, &url, &token).await.status(),
        StatusCode::OK
    );

    // Logins from the throttled address wait too, even with the right password.
    let login = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    let from_attacker = attacker
        .post(app.url("/api/v1/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(from_attacker.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&from_attacker) >= 1);
    let from_neighbour = neighbour
        .post(app.url("/api/v1/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(from_neighbour.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_passwords_from_one_address_are_throttled() {
    let app = spawn_adjusted(|c| c.auth_failure_limit = LIMIT).await;
    let guesser = client_from("127.0.0.3");
    let login = app.url("/api/v1/auth/login");
    let mut statuses = Vec::new();
    for n in 0..LIMIT + 1 {
        let wrong =
            json!({ "email": format!("nobody{n}@example.com"), "password": "not-the-password" });
        statuses.push(
            guesser
                .post(&login)
                .json(&wrong)
                .send()
                .await
                .unwrap()
                .status(),
        );
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
    let right = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    let response = guesser.post(&login).json(&right).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&response) >= 1);
    // The same account from elsewhere logs in at once (a growing delay, never a lockout).
    let elsewhere = client_from("127.0.0.4")
        .post(&login)
        .json(&right)
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_limiter_tracks_a_bounded_number_of_addresses() {
    let app = spawn_adjusted(|c| c.auth_failure_limit = LIMIT).await;
    for i in 0..(envkeep::auth::throttle::MAX_TRACKED as u32 + 500) {
        app.state
            .throttle
            .record_failure(std::net::IpAddr::from((0x0a00_0000 + i).to_be_bytes()));
    }
    assert!(app.state.throttle.tracked() <= envkeep::auth::throttle::MAX_TRACKED);
}
