//! The per-address limit holds when guesses arrive all at once: each attempt takes its place
//! under the limit before a password is hashed or a setup code compared, so no more than the
//! limit are ever checked, and the right password or code sent afterwards waits like the rest.

use crate::helpers::{paths, Api, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;
use tokio::task::JoinSet;

const LIMIT: u32 = 10;
const GUESSES: usize = 119;

/// Sends every request `guess(n)` makes for n in 0..GUESSES at once; their statuses.
async fn all_at_once<F>(guess: impl Fn(usize) -> F) -> Vec<StatusCode>
where
    F: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let mut guesses = JoinSet::new();
    for n in 0..GUESSES {
        guesses.spawn(guess(n));
    }
    guesses.join_all().await
}

fn only_refusals(statuses: &[StatusCode]) -> bool {
    statuses
        .iter()
        .all(|s| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS))
}

#[tokio::test]
async fn parallel_wrong_passwords_verify_at_most_the_limit_and_the_right_one_then_waits() {
    let app = TestApp::spawn_with(|c| c.auth_failure_limit = LIMIT).await;
    let guesser = app.anonymous_from("127.0.0.7");
    let before = app.state.hasher.verifications();
    let statuses = all_at_once(|n| {
        let guesser = guesser.clone();
        async move {
            let wrong = format!("not-the-password-{n}");
            guesser.login(ADMIN_EMAIL, &wrong).await.status
        }
    })
    .await;
    assert!(only_refusals(&statuses), "{statuses:?}");
    let right = guesser.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    right.assert_error(StatusCode::TOO_MANY_REQUESTS, "RateLimitExceeded");
    let verified = app.state.hasher.verifications() - before;
    assert!(
        verified <= u64::from(LIMIT),
        "{verified} passwords verified for {GUESSES} parallel guesses and the right one; the limit is {LIMIT}"
    );
}

async fn set_up(api: &Api, code: &str) -> StatusCode {
    let body = json!({ "setupCode": code, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    api.post_json(paths::SETUP, body).await.status
}

#[tokio::test]
async fn parallel_wrong_setup_codes_stop_at_the_limit_and_the_right_one_then_waits() {
    let app = TestApp::spawn_with(|c| {
        c.admin = None;
        c.auth_failure_limit = LIMIT;
    })
    .await;
    let guesser = app.anonymous_from("127.0.0.8");
    let statuses = all_at_once(|n| {
        let guesser = guesser.clone();
        async move { set_up(&guesser, &format!("{n:012}")).await }
    })
    .await;
    assert!(only_refusals(&statuses), "{statuses:?}");
    let code = app.state.setup.pending().unwrap();
    assert_eq!(set_up(&guesser, &code).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count_rows("users"), 0);
    assert_eq!(
        set_up(&app.anonymous_from("127.0.0.9"), &code).await,
        StatusCode::CREATED,
        "another address is not held back"
    );
}
