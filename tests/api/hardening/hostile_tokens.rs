//! 1,000 generated bad `Authorization` values: every one is a 401 with the very same body on
//! every kind of route, never a 5xx, so a prober cannot tell an unknown id from a wrong secret.

use super::support::{project_with_token, spawn_adjusted};
use crate::legacy_helpers::TestApp;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use std::sync::Arc;

const COUNT: usize = 1_000;

fn hex(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}

/// Deterministic (seeded) bad credentials covering every family the issue names.
fn hostile_values(known_id: &str, known_secret: &str) -> Vec<Vec<u8>> {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let id = known_id;
    let mut values: Vec<Vec<u8>> = [
        String::new(),
        String::from("Bearer"),
        String::from("Bearer "),
        String::from("Bearer st."),
        String::from("Bearer st"),
        String::from("Bearer st.."),
        String::from("Bearer ..."),
        format!("Bearer ST.{id}.{known_secret}"),
        format!("Bearer st.{}.{known_secret}", id.to_uppercase()),
        format!("Bearer st.{id}"),
        format!("Bearer st.{id}."),
        format!("Bearer st.{id}.{}", &known_secret[..31]),
        format!("Bearer st.{id}.{known_secret}0"),
        format!("Bearer  st.{id}..{known_secret}"),
        format!("Basic {}", "dXNlcjpwYXNzd29yZA=="),
        format!("Token st.{id}.{known_secret}"),
        format!("st.{id}.{known_secret}"),
        String::from("Bearer ' OR '1'='1"),
        String::from("Bearer st.' OR 1=1 --.x"),
        format!("Bearer st.{id}'; DROP TABLE service_tokens; --.{known_secret}"),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    let sql = [
        "' OR 1=1 --",
        "\" OR \"\"=\"",
        "'; DELETE FROM secrets; --",
        "1 UNION SELECT * FROM users",
        "%27%20OR%201%3D1",
    ];
    let schemes = [
        "Basic",
        "Digest",
        "Token",
        "Negotiate",
        "AWS4-HMAC-SHA256",
        "bearerx",
        "Bearer:",
        "OAuth",
    ];
    let mut i = 0;
    while values.len() < COUNT {
        i += 1;
        let value = match i % 10 {
            0 => format!("Bearer st.{}.{}", hex(&mut rng, 32), hex(&mut rng, 32)),
            1 => format!("Bearer st.{id}.{}", hex(&mut rng, 32)),
            2 => format!("Bearer st.{id}.{}.{}", hex(&mut rng, 32), hex(&mut rng, 32)),
            3 => {
                let mut bad =
                    format!("st.{}.{}", hex(&mut rng, 32), hex(&mut rng, 32)).into_bytes();
                let at = rng.gen_range(3..bad.len());
                bad[at] = *b"gzXG-_!~".get(rng.gen_range(0..8)).unwrap_or(&b'g');
                format!("Bearer {}", String::from_utf8(bad).unwrap_or_default())
            }
            4 => {
                let dots = ".".repeat(rng.gen_range(2..6));
                format!(
                    "Bearer st{dots}{}{dots}{}",
                    hex(&mut rng, 32),
                    hex(&mut rng, 32)
                )
            }
            5 if i % 20 == 5 => format!("Bearer st.{}", hex(&mut rng, 8 * 1024)),
            5 => format!("Bearer {}", hex(&mut rng, 8 * 1024)),
            6 => format!("Bearer st.{id}{}", sql[rng.gen_range(0..sql.len())]),
            7 => {
                let mut raw = b"Bearer st.".to_vec();
                raw.extend((0..rng.gen_range(1..80)).map(|_| rng.gen_range(0x80u8..=0xff)));
                values.push(raw);
                continue;
            }
            8 => format!(
                "{} st.{}.{}",
                schemes[rng.gen_range(0..schemes.len())],
                hex(&mut rng, 32),
                hex(&mut rng, 32)
            ),
            _ => format!("Bearer {}", hex(&mut rng, if i % 3 == 0 { 64 } else { 32 })),
        };
        values.push(value.into_bytes());
    }
    values
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    value: &[u8],
) -> (StatusCode, String) {
    let header = HeaderValue::from_bytes(value).unwrap_or_else(|e| panic!("{e}: {value:?}"));
    let response = client
        .request(Method::GET, app.url(path))
        .header(AUTHORIZATION, header)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_bad_authorization_values_get_the_same_401() {
    // Throttling off, as ENVKEEP_AUTH_FAILURE_LIMIT=0: this test is about the answers themselves.
    let app = Arc::new(spawn_adjusted(|c| c.auth_failure_limit = 0).await);
    let (project, token, token_id) = project_with_token(&app).await;
    let secret = token.rsplit('.').next().unwrap().to_owned();
    let values = Arc::new(hostile_values(&token_id, &secret));
    assert_eq!(values.len(), COUNT);
    let routes = Arc::new(vec![
        String::from("/api/v1/auth/token"),
        String::from("/api/v1/projects"),
        format!("/api/v1/projects/{project}/secrets?environment=dev"),
    ]);
    let reference = send(
        &app,
        &app.client,
        &routes[0],
        b"Bearer st.00000000000000000000000000000000.00000000000000000000000000000000",
    )
    .await;
    assert_eq!(reference.0, StatusCode::UNAUTHORIZED);

    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (app, values, routes) = (app.clone(), values.clone(), routes.clone());
        tasks.spawn(async move {
            let client = reqwest::Client::new();
            let mut answers = Vec::new();
            for (n, value) in values.iter().enumerate().filter(|(n, _)| n % 8 == worker) {
                for route in routes.iter() {
                    let (status, text) = send(&app, &client, route, value).await;
                    answers.push((n, route.clone(), status, text));
                }
            }
            answers
        });
    }
    let mut checked = 0;
    while let Some(answers) = tasks.join_next().await {
        for (n, route, status, text) in answers.unwrap() {
            let shown = String::from_utf8_lossy(&values[n])
                .chars()
                .take(100)
                .collect::<String>();
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "value #{n} {shown:?} on {route}: {text}"
            );
            assert_eq!(
                text, reference.1,
                "value #{n} {shown:?} on {route}: the body differs"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, COUNT * 3);
    // The real token still works afterwards.
    let ok = app
        .bearer(Method::GET, "/api/v1/auth/token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_id_and_wrong_secret_are_indistinguishable() {
    let app = spawn_adjusted(|c| c.auth_failure_limit = 0).await;
    let (_, token, token_id) = project_with_token(&app).await;
    let secret = token.rsplit('.').next().unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    let wrong_secret = format!("Bearer st.{token_id}.{}", hex(&mut rng, 32));
    let unknown_id = format!("Bearer st.{}.{secret}", hex(&mut rng, 32));
    for path in ["/api/v1/auth/token", "/api/v1/projects"] {
        let a = app
            .client
            .get(app.url(path))
            .header(AUTHORIZATION, &wrong_secret)
            .send()
            .await
            .unwrap();
        let b = app
            .client
            .get(app.url(path))
            .header(AUTHORIZATION, &unknown_id)
            .send()
            .await
            .unwrap();
        assert_eq!(a.status(), b.status(), "{path}");
        let names = |r: &reqwest::Response| {
            let mut n: Vec<String> = r
                .headers()
                .keys()
                .map(|k| k.to_string())
                .filter(|k| k != "date")
                .collect();
            n.sort();
            n
        };
        assert_eq!(names(&a), names(&b), "{path}");
        assert_eq!(a.text().await.unwrap(), b.text().await.unwrap(), "{path}");
    }
}

#[tokio::test]
async fn hostile_session_cookies_get_the_same_401() {
    let app = spawn_adjusted(|c| c.auth_failure_limit = 0).await;
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
        let response = reqwest::Client::new()
            .get(app.url("/api/v1/projects"))
            .header(
                reqwest::header::COOKIE,
                HeaderValue::from_bytes(cookie).unwrap(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{}",
            String::from_utf8_lossy(cookie)
        );
        bodies.push(response.text().await.unwrap());
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "bodies differ: {bodies:?}");
}
