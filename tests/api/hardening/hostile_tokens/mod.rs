//! 1,000 generated bad `Authorization` values: every one is a 401 with the very same body on
//! every kind of route, never a 5xx, so a prober cannot tell an unknown id from a wrong secret.

mod values;

use super::support::project_with_token;
use crate::helpers::{paths, Answer, Answered, Api, TestApp, LOOPBACK};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::header::{HeaderValue, AUTHORIZATION, COOKIE};
use reqwest::{Method, StatusCode};
use std::sync::Arc;
use values::{hex, hostile_values, COUNT};

/// A GET of `path` with `value` as the whole `Authorization` header.
async fn send(api: &Api, path: &str, value: &[u8]) -> Answer {
    let header = HeaderValue::from_bytes(value).unwrap_or_else(|e| panic!("{e}: {value:?}"));
    api.request(Method::GET, path)
        .header(AUTHORIZATION, header)
        .answer()
        .await
}

/// A server without throttling, as ENVKEEP_AUTH_FAILURE_LIMIT=0: these tests are about the
/// answers themselves.
async fn unthrottled() -> TestApp {
    TestApp::spawn_with(|c| c.auth_failure_limit = 0).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_bad_authorization_values_get_the_same_401() {
    let app = unthrottled().await;
    let (project, token, token_id) = project_with_token(&app).await;
    let secret = token.rsplit('.').next().unwrap().to_owned();
    let values = Arc::new(hostile_values(&token_id, &secret));
    assert_eq!(values.len(), COUNT);
    let routes = Arc::new(vec![
        String::from(paths::WHOAMI),
        String::from(paths::PROJECTS),
        paths::secrets_in(&project, "dev", "/"),
    ]);
    let reference = send(
        &app.anonymous(),
        &routes[0],
        b"Bearer st.00000000000000000000000000000000.00000000000000000000000000000000",
    )
    .await;
    assert_eq!(reference.status, StatusCode::UNAUTHORIZED);

    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (api, values, routes) = (app.anonymous_from(LOOPBACK), values.clone(), routes.clone());
        tasks.spawn(async move {
            let mut answers = Vec::new();
            for (n, value) in values.iter().enumerate().filter(|(n, _)| n % 8 == worker) {
                for route in routes.iter() {
                    answers.push((n, route.clone(), send(&api, route, value).await));
                }
            }
            answers
        });
    }
    let mut checked = 0;
    while let Some(answers) = tasks.join_next().await {
        for (n, route, answer) in answers.unwrap() {
            let shown = String::from_utf8_lossy(&values[n])
                .chars()
                .take(100)
                .collect::<String>();
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "value #{n} {shown:?} on {route}: {answer}"
            );
            assert_eq!(
                answer.text, reference.text,
                "value #{n} {shown:?} on {route}: the body differs"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, COUNT * 3);
    // The real token still works afterwards.
    assert_eq!(app.as_token(&token).whoami().await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_id_and_wrong_secret_are_indistinguishable() {
    let app = unthrottled().await;
    let (_, token, token_id) = project_with_token(&app).await;
    let secret = token.rsplit('.').next().unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    let wrong_secret = format!("Bearer st.{token_id}.{}", hex(&mut rng, 32));
    let unknown_id = format!("Bearer st.{}.{secret}", hex(&mut rng, 32));
    let header_names = |answer: &Answer| {
        let mut names: Vec<String> = answer
            .headers
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "date")
            .collect();
        names.sort();
        names
    };
    for path in [paths::WHOAMI, paths::PROJECTS] {
        let a = send(&app.anonymous(), path, wrong_secret.as_bytes()).await;
        let b = send(&app.anonymous(), path, unknown_id.as_bytes()).await;
        assert_eq!(a.status, b.status, "{path}");
        assert_eq!(header_names(&a), header_names(&b), "{path}");
        assert_eq!(a.text, b.text, "{path}");
    }
}

#[tokio::test]
async fn hostile_session_cookies_get_the_same_401() {
    let app = unthrottled().await;
    let mut rng = StdRng::seed_from_u64(2);
    let mut cookies: Vec<Vec<u8>> = vec![
        b"envkeep_session=".to_vec(),
        b"envkeep_session".to_vec(),
        b"envkeep_session=; envkeep_session=x".to_vec(),
        format!("envkeep_session={}", hex(&mut rng, 32)).into_bytes(),
        format!("envkeep_session={}", hex(&mut rng, 8 * 1024)).into_bytes(),
        b"envkeep_session=' OR 1=1 --".to_vec(),
        format!(
            "envkeep_session=st.{}.{}",
            hex(&mut rng, 32),
            hex(&mut rng, 32)
        )
        .into_bytes(),
        b"other=1; envkeep_session=%00%ff".to_vec(),
    ];
    let mut raw = b"envkeep_session=".to_vec();
    raw.extend((0..40).map(|_| rng.gen_range(0x80u8..=0xff)));
    cookies.push(raw);
    let mut bodies = Vec::new();
    for cookie in &cookies {
        let refused = app
            .anonymous()
            .request(Method::GET, paths::PROJECTS)
            .header(COOKIE, HeaderValue::from_bytes(cookie).unwrap())
            .answer()
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            String::from_utf8_lossy(cookie)
        );
        bodies.push(refused.text);
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "bodies differ: {bodies:?}");
}
