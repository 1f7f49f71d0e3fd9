//! Security headers on every response (successes, errors, 404s, UI pages), `no-store` on every
//! response that carries a secret or a token, and HSTS only behind an https public URL.

use super::support::project_with_token;
use crate::helpers::{paths, Answer, Answered, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn assert_security_headers(what: &str, answer: &Answer) {
    assert_eq!(answer.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(answer.header("referrer-policy"), "no-referrer", "{what}");
    assert!(
        answer
            .header("content-security-policy")
            .contains("frame-ancestors 'none'"),
        "{what}"
    );
}

fn assert_no_store(what: &str, answer: &Answer) {
    let cache = answer.header("cache-control");
    assert!(
        cache.contains("no-store"),
        "{what}: Cache-Control is {cache:?}"
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let (project, token, _) = project_with_token(&app).await;
    let (anonymous, admin, holder) = (app.anonymous(), app.as_admin(), app.as_token(&token));
    let cases = vec![
        ("health", anonymous.get("/healthz").await),
        ("home redirect", anonymous.get("/").await),
        ("login page", anonymous.get("/login").await),
        ("UI 404", anonymous.get("/no/such/page").await),
        ("API 404", anonymous.get("/api/no/such/route").await),
        (
            "missing static file",
            anonymous.get("/static/nothing.css").await,
        ),
        ("401", anonymous.list_projects().await),
        (
            "405",
            admin.request(Method::PUT, paths::PROJECTS).answer().await,
        ),
        (
            "400 bad JSON",
            admin
                .request(Method::POST, paths::PROJECTS)
                .header("content-type", "application/json")
                .body("{")
                .answer()
                .await,
        ),
        ("422", admin.post_json(paths::PROJECTS, json!({})).await),
        ("413", admin.create_project(&"x".repeat(300 * 1024)).await),
        (
            "404 project",
            admin.get_project("0123456789abcdef0123456789abcdef").await,
        ),
        ("403 token on admin route", holder.list_projects().await),
        ("200 list", holder.list_secrets(&project, "dev", "/").await),
        ("openapi", anonymous.get("/api/openapi.json").await),
    ];
    for (what, answer) in cases {
        assert_security_headers(&format!("{what} ({})", answer.status), &answer);
    }
}

#[tokio::test]
async fn the_first_run_setup_page_carries_the_security_headers() {
    let fresh = TestApp::spawn_with(|c| c.admin = None).await;
    let page = fresh.anonymous().get("/setup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_security_headers("setup page", &page);
}

#[tokio::test]
async fn responses_with_secrets_or_tokens_are_never_cached() {
    let app = TestApp::spawn().await;
    let (project, token, _) = project_with_token(&app).await;
    let holder = app.as_token(&token);
    let t2 = json!({ "name": "t2", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null });
    let cases = vec![
        ("login", app.browser().api_login().await),
        (
            "list",
            holder.list_secrets_recursive(&project, "dev", "/").await,
        ),
        (
            "get",
            holder.get_secret(&project, "dev", "/", "DB_PASSWORD").await,
        ),
        (
            "create",
            holder.create_secret(&project, "dev", "/", "K2", "v").await,
        ),
        (
            "update",
            holder.update_secret(&project, "dev", "/", "K2", "w").await,
        ),
        ("whoami", holder.whoami().await),
        ("mint", app.as_admin().mint(&project, t2).await),
        (
            "error",
            holder.get_secret(&project, "dev", "/", "NOPE").await,
        ),
    ];
    for (what, answer) in cases {
        assert!(answer.status.as_u16() < 500, "{what}: {answer}");
        assert_no_store(what, &answer);
    }
}

#[tokio::test]
async fn responses_without_their_own_cache_policy_default_to_no_store() {
    let app = TestApp::spawn().await;
    for path in [
        "/healthz",
        "/api/openapi.json",
        "/nope",
        "/login",
        "/api/v1/projects",
    ] {
        assert_no_store(path, &app.anonymous().get(path).await);
    }
}

#[tokio::test]
async fn static_assets_keep_their_own_cache_policy() {
    let app = TestApp::spawn().await;
    let css = app.anonymous().get("/static/style.css").await;
    let cache = css.header("cache-control");
    assert!(
        cache.contains("max-age") && !cache.contains("no-store"),
        "static assets keep their policy: {cache:?}"
    );
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_public_url_is_https() {
    let plain = TestApp::spawn().await;
    let health = plain.anonymous().get("/healthz").await;
    assert_eq!(health.header("strict-transport-security"), "");

    let https =
        TestApp::spawn_with(|c| c.public_url = Some(String::from("https://secrets.example.com")))
            .await;
    for path in ["/healthz", "/api/nope", "/nope"] {
        let answer = https.anonymous().get(path).await;
        let hsts = answer.header("strict-transport-security");
        assert!(hsts.contains("max-age="), "{path}: {hsts:?}");
        assert_security_headers(path, &answer);
    }
}
