//! Secrets browser, settings, project deletion, error pages and security headers.

use super::{browser, location, logged_in, post_form};
use crate::legacy_helpers::spawn_app;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_secrets_browser_adds_edits_and_deletes_a_64_kib_value() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let base = format!("/projects/{project}/secrets/dev");
    let folder = post_form(
        &app,
        &format!("{base}/folders"),
        &[("csrf_token", &csrf), ("path", "/"), ("name", "app")],
    )
    .await;
    assert_eq!(
        location(&folder),
        format!("{base}?path=/app&notice=folder-created")
    );
    let big = "v".repeat(65_536);
    let added = post_form(
        &app,
        &format!("{base}/add"),
        &[
            ("csrf_token", &csrf),
            ("path", "/app"),
            ("key", "BIG"),
            ("value", &big),
            ("comment", "c"),
        ],
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let page = app
        .client
        .get(app.url(&format!("{base}?path=/app")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers().get(CACHE_CONTROL).unwrap(), "no-store");
    assert!(page.text().await.unwrap().contains(&big));
    let too_big = format!("{big}x");
    let refused = post_form(
        &app,
        &format!("{base}/add"),
        &[
            ("csrf_token", &csrf),
            ("path", "/app"),
            ("key", "BIGGER"),
            ("value", &too_big),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("id=\"value-error\""));
    let duplicate = post_form(
        &app,
        &format!("{base}/add"),
        &[
            ("csrf_token", &csrf),
            ("path", "/app"),
            ("key", "BIG"),
            ("value", "x"),
        ],
    )
    .await;
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    assert!(duplicate.text().await.unwrap().contains("already exists"));

    let saved = post_form(
        &app,
        &format!("{base}/edit"),
        &[
            ("csrf_token", &csrf),
            ("path", "/app"),
            ("key", "BIG"),
            ("value", "small"),
            ("comment", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let read = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/BIG?environment=dev&path=/app"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.json::<serde_json::Value>().await.unwrap()["secret"]["value"],
        "small"
    );
    let deleted = post_form(
        &app,
        &format!("{base}/delete"),
        &[("csrf_token", &csrf), ("path", "/app"), ("key", "BIG")],
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    let gone = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/BIG?environment=dev&path=/app"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_add_rename_reorder_and_delete_environments() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let base = format!("/projects/{project}/settings/environments");
    assert_eq!(
        post_form(
            &app,
            &base,
            &[("csrf_token", &csrf), ("name", "QA Team"), ("slug", "")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let duplicate = post_form(
        &app,
        &base,
        &[
            ("csrf_token", &csrf),
            ("name", "Again"),
            ("slug", "qa-team"),
        ],
    )
    .await;
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    assert_eq!(
        post_form(
            &app,
            &format!("{base}/qa-team/rename"),
            &[("csrf_token", &csrf), ("name", "Quality")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_form(
            &app,
            &format!("{base}/qa-team/move"),
            &[("csrf_token", &csrf), ("direction", "up")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let envs = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/environments"),
        )
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let order: Vec<&str> = envs["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["dev", "staging", "qa-team", "prod"]);
    assert_eq!(envs["environments"][2]["name"], "Quality");

    app.mint(&project, json!({ "name": "t", "scopes": [{ "environment": "qa-team", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null })).await;
    let blocked = post_form(
        &app,
        &format!("{base}/qa-team/delete"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(blocked.status(), StatusCode::CONFLICT);
    assert!(blocked
        .text()
        .await
        .unwrap()
        .contains("revoke those tokens first"));
    assert_eq!(
        post_form(
            &app,
            &format!("{base}/prod/delete"),
            &[("csrf_token", &csrf)]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn deleting_a_project_needs_its_name_typed() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let path = format!("/projects/{project}/delete");
    let wrong = post_form(
        &app,
        &path,
        &[("csrf_token", &csrf), ("confirm_name", "shop")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("does not match"));
    assert_eq!(
        app.admin(Method::GET, &format!("/api/v1/projects/{project}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let right = post_form(
        &app,
        &path,
        &[("csrf_token", &csrf), ("confirm_name", "Shop")],
    )
    .await;
    assert_eq!(location(&right), "/projects?notice=project-deleted");
    assert_eq!(
        app.admin(Method::GET, &format!("/api/v1/projects/{project}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn error_pages_have_their_status_and_the_layout() {
    let app = spawn_app().await;
    let unknown = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.text().await.unwrap().contains("class=\"topbar\""));
    let missing = app
        .client
        .get(app.url(&format!("/projects/{}/secrets/dev", "0".repeat(32))))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let html = missing.text().await.unwrap();
    assert!(html.contains("Error 404") && html.contains("was not found"));
    // A valid service token is refused with 403 (a bad one would be a 401 like any bad
    // credential, and the UI sends those to the login page).
    let token_project = app.create_project("Token holder").await;
    let (token, _) = app
        .mint(
            &token_project,
            serde_json::json!({ "name": "t", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null }),
        )
        .await;
    let service_token = browser()
        .get(app.url("/projects"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(service_token.status(), StatusCode::FORBIDDEN);
    assert!(service_token.text().await.unwrap().contains("Error 403"));
    let wrong_method = app
        .client
        .delete(app.url("/projects"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/projects")).send().await.unwrap();
    let csp = response
        .headers()
        .get(CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(
        response.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert!(response.headers().get("referrer-policy").is_some());
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains(" style=\"") && !html.contains(" onclick="),
        "no inline script or style"
    );
}
