//! Security headers on every response (successes, errors, 404s, UI pages), `no-store` on every
//! response that carries a secret or a token, and HSTS only behind an https public URL.

use super::support::{project_with_token, spawn_adjusted};
use crate::legacy_helpers::{spawn_app, spawn_fresh, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::header::HeaderMap;
use reqwest::{Method, Response};
use serde_json::json;

fn assert_security_headers(what: &str, headers: &HeaderMap) {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert!(
        get("content-security-policy").contains("frame-ancestors 'none'"),
        "{what}"
    );
}

fn assert_no_store(what: &str, response: &Response) {
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        cache.contains("no-store"),
        "{what}: Cache-Control is {cache:?}"
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let (project, token, _) = project_with_token(&app).await;
    let secrets = format!("/api/v1/projects/{project}/secrets");
    let anonymous = reqwest::Client::new();
    let cases = vec![
        ("health", anonymous.get(app.url("/healthz"))),
        ("home redirect", anonymous.get(app.url("/"))),
        ("UI 404", anonymous.get(app.url("/no/such/page"))),
        ("API 404", anonymous.get(app.url("/api/no/such/route"))),
        (
            "missing static file",
            anonymous.get(app.url("/static/nothing.css")),
        ),
        ("401", anonymous.get(app.url("/api/v1/projects"))),
        ("405", app.admin(Method::PUT, "/api/v1/projects")),
        (
            "400 bad JSON",
            app.admin(Method::POST, "/api/v1/projects")
                .header("content-type", "application/json")
                .body("{"),
        ),
        (
            "422",
            app.admin(Method::POST, "/api/v1/projects").json(&json!({})),
        ),
        (
            "413",
            app.admin(Method::POST, "/api/v1/projects")
                .json(&json!({ "name": "x".repeat(300 * 1024) })),
        ),
        (
            "404 project",
            app.admin(
                Method::GET,
                "/api/v1/projects/0123456789abcdef0123456789abcdef",
            ),
        ),
        (
            "403 token on admin route",
            app.bearer(Method::GET, "/api/v1/projects", &token),
        ),
        (
            "200 list",
            app.bearer(Method::GET, &format!("{secrets}?environment=dev"), &token),
        ),
        ("openapi", anonymous.get(app.url("/api/openapi.json"))),
    ];
    for (what, request) in cases {
        let response = request.send().await.unwrap();
        assert_security_headers(
            &format!("{what} ({})", response.status()),
            response.headers(),
        );
    }
    // A UI page: the first-run setup form of a server without an admin.
    let fresh = spawn_fresh().await;
    let page = reqwest::get(fresh.url("/setup")).await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert_security_headers("setup page", page.headers());
}

#[tokio::test]
async fn responses_with_secrets_or_tokens_are_never_cached() {
    let app = spawn_app().await;
    let (project, token, _) = project_with_token(&app).await;
    let secrets = format!("/api/v1/projects/{project}/secrets");
    let login = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_no_store("login", &login);
    let cases = vec![
        ("list", app.bearer(Method::GET, &format!("{secrets}?environment=dev&recursive=true"), &token)),
        ("get", app.bearer(Method::GET, &format!("{secrets}/DB_PASSWORD?environment=dev"), &token)),
        ("create", app.bearer(Method::POST, &secrets, &token).json(&json!({ "environment": "dev", "key": "K2", "value": "v" }))),
        ("update", app.bearer(Method::PATCH, &format!("{secrets}/K2?environment=dev"), &token).json(&json!({ "value": "w" }))),
        ("whoami", app.bearer(Method::GET, "/api/v1/auth/token", &token)),
        (
            "mint",
            app.admin(Method::POST, &format!("/api/v1/projects/{project}/service-tokens")).json(&json!({
                "name": "t2", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null
            })),
        ),
        ("error", app.bearer(Method::GET, &format!("{secrets}/NOPE?environment=dev"), &token)),
    ];
    for (what, request) in cases {
        let response = request.send().await.unwrap();
        assert!(
            response.status().as_u16() < 500,
            "{what}: {}",
            response.status()
        );
        assert_no_store(what, &response);
    }
}

#[tokio::test]
async fn responses_without_their_own_cache_policy_default_to_no_store() {
    let app = spawn_app().await;
    for path in ["/healthz", "/api/openapi.json", "/nope", "/api/v1/projects"] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_no_store(path, &response);
    }
    let css = reqwest::get(app.url("/static/style.css")).await.unwrap();
    let cache = css
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        cache.contains("max-age") && !cache.contains("no-store"),
        "static assets keep their policy: {cache:?}"
    );
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_public_url_is_https() {
    let plain = spawn_app().await;
    let response = reqwest::get(plain.url("/healthz")).await.unwrap();
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());

    let https =
        spawn_adjusted(|c| c.public_url = Some(String::from("https://secrets.example.com"))).await;
    for path in ["/healthz", "/api/nope", "/nope"] {
        let response = reqwest::get(https.url(path)).await.unwrap();
        let hsts = response
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(hsts.contains("max-age="), "{path}: {hsts:?}");
        assert_security_headers(path, response.headers());
    }
}
