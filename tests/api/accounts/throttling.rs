//! Repeated wrong passwords from one address are throttled, without locking out a valid session.

use crate::helpers::{Answer, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;

/// Failures from one address before its logins wait.
const LIMIT: u32 = 3;

async fn throttled_after_three_failures() -> TestApp {
    TestApp::spawn_with(|c| c.auth_failure_limit = LIMIT).await
}

async fn wrong_login(app: &TestApp) -> Answer {
    app.anonymous().login(ADMIN_EMAIL, "not-the-password").await
}

#[tokio::test]
async fn wrong_passwords_get_401_until_the_limit_then_429_with_retry_after() {
    let app = throttled_after_three_failures().await;
    for _ in 1..LIMIT {
        wrong_login(&app)
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    }
    let throttled = wrong_login(&app).await;
    let retry_after: u64 = throttled.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    throttled.assert_error(StatusCode::TOO_MANY_REQUESTS, "RateLimitExceeded");
}

#[tokio::test]
async fn once_throttled_even_the_right_password_waits() {
    let app = throttled_after_three_failures().await;
    for _ in 0..LIMIT {
        wrong_login(&app).await;
    }
    let correct = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(correct.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_throttled_address_keeps_its_existing_session() {
    let app = throttled_after_three_failures().await;
    for _ in 0..LIMIT {
        wrong_login(&app).await;
    }
    assert_eq!(
        app.as_admin().list_projects().await.status,
        StatusCode::OK,
        "a valid credential is never refused"
    );
}
