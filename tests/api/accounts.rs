use crate::legacy_helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn setup_code_creates_the_first_admin_and_then_setup_is_closed_for_good() {
    let app = spawn_fresh().await;
    let code = app
        .state
        .setup
        .pending()
        .expect("a setup code is issued when no user exists");
    let setup = |code: String| {
        app.client
            .post(app.url("/api/v1/setup"))
            .json(&json!({ "setupCode": code, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
            .send()
    };
    let (status, json) = body(setup("wrong-code".into()).await.unwrap()).await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");

    let (status, json) = body(setup(code.clone()).await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["user"]["email"], ADMIN_EMAIL);
    assert!(app.login_token().await.len() == 64);

    let (status, json) = body(setup(code).await.unwrap()).await;
    assert_error(status, &json, StatusCode::CONFLICT, "Conflict");
    let page = app.client.get(app.url("/setup")).send().await.unwrap();
    assert_eq!(
        page.status(),
        StatusCode::SEE_OTHER,
        "the setup page closes once a user exists"
    );
}

#[tokio::test]
async fn setup_refuses_a_short_password_and_writes_nothing() {
    let app = spawn_fresh().await;
    let code = app.state.setup.pending().unwrap();
    let response = app
        .client
        .post(app.url("/api/v1/setup"))
        .json(&json!({ "setupCode": code, "email": ADMIN_EMAIL, "password": "short" }))
        .send()
        .await
        .unwrap();
    let (status, json) = body(response).await;
    assert_error(
        status,
        &json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ValidationFailure",
    );
    assert_eq!(json["details"][0]["field"], "password");
    let users: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 0);
    assert!(app.state.setup.is_open());
}

#[tokio::test]
async fn environment_bootstrap_creates_the_admin_and_issues_no_setup_code() {
    let app = spawn_app().await;
    assert!(app.state.setup.pending().is_none());
    let response = app
        .admin(Method::GET, "/api/v1/projects")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn login_sets_an_http_only_cookie_and_logout_ends_the_session_server_side() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("envkeep_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    assert!(
        !cookie.contains("Secure"),
        "no Secure flag without an https public URL"
    );
    let (status, json) = body(response).await;
    assert_eq!(status, StatusCode::OK);
    let token = json["token"].as_str().unwrap().to_owned();
    assert!(json["csrfToken"].as_str().unwrap().len() == 64);
    assert!(json["expiresAt"].as_str().unwrap().ends_with('Z'));

    let me = app
        .bearer(Method::GET, "/api/v1/projects", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let out = app
        .bearer(Method::POST, "/api/v1/auth/logout", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let (status, json) = app
        .bearer(Method::GET, "/api/v1/projects", &token)
        .answer()
        .await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn sessions_are_stored_hashed_and_an_expired_session_is_refused() {
    let app = spawn_app().await;
    let stored: Vec<u8> = app
        .sqlite()
        .query_row("SELECT id_hash FROM sessions LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored.len(), 32);
    assert_ne!(
        hex::encode(&stored),
        app.admin,
        "the session id itself is never stored"
    );
    app.sqlite()
        .execute("UPDATE sessions SET expires_at = 0", [])
        .unwrap();
    let (status, json) = app.admin(Method::GET, "/api/v1/projects").answer().await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn wrong_password_is_refused_and_repeated_failures_get_429_with_retry_after() {
    let app = spawn_app_with(&["--auth-failure-limit", "3"]).await;
    let attempt = || {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "email": ADMIN_EMAIL, "password": "not-the-password" }))
            .send()
    };
    for _ in 0..2 {
        let (status, json) = body(attempt().await.unwrap()).await;
        assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
    }
    let response = attempt().await.unwrap();
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let (status, json) = body(response).await;
    assert_error(
        status,
        &json,
        StatusCode::TOO_MANY_REQUESTS,
        "RateLimitExceeded",
    );
    // Once tripped, every login attempt from the address waits, even a correct one.
    let correct = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(correct.status(), StatusCode::TOO_MANY_REQUESTS);
    // The existing session is unaffected: a valid credential is never refused.
    assert_eq!(
        app.admin(Method::GET, "/api/v1/projects")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn cookie_authenticated_writes_need_the_csrf_token_and_a_same_site_origin() {
    let app = spawn_app().await;
    let login: serde_json::Value = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = login["csrfToken"].as_str().unwrap();
    let create = |csrf: Option<&str>, origin: Option<&str>| {
        let mut request = app
            .client
            .post(app.url("/api/v1/projects"))
            .json(&json!({ "name": "Cookie" }));
        if let Some(csrf) = csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send()
    };
    let (status, json) = body(create(None, None).await.unwrap()).await;
    assert_error(status, &json, StatusCode::FORBIDDEN, "ForbiddenError");
    let (status, _) = body(create(Some("0".repeat(64).as_str()), None).await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = body(
        create(Some(csrf), Some("https://evil.example"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let same_site = app.base.clone();
    let (status, json) = body(create(Some(csrf), Some(&same_site)).await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let projects: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM projects", [], |r| r.get(0))
        .unwrap();
    assert_eq!(projects, 1, "refused requests wrote nothing");
}

#[tokio::test]
async fn no_or_invalid_session_is_401() {
    let app = spawn_app().await;
    // The harness client's cookie jar holds the admin login; use a bare client.
    let bare = reqwest::Client::new();
    let (status, json) = bare.get(app.url("/api/v1/projects")).answer().await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let (status, json) = bare
        .get(app.url("/api/v1/projects"))
        .bearer_auth("f".repeat(64))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
}
