//! Mint requests are validated field by field; tokens are immutable, and a token cannot manage
//! tokens or projects.

use super::read_dev_app;
use crate::helpers::{access_part, paths, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn invalid_mint_requests_are_422_with_a_message_per_field() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Validation").await;
    let scope = json!([{ "environment": "dev", "secretPath": "/" }]);
    let cases = [
        (
            json!({ "name": "", "scopes": scope, "permissions": ["read"], "expiresIn": null }),
            "name",
            "",
        ),
        (
            json!({ "name": "x".repeat(101), "scopes": scope, "permissions": ["read"], "expiresIn": null }),
            "name",
            "100",
        ),
        (
            json!({ "name": "t", "permissions": ["read"], "expiresIn": null }),
            "scopes",
            "at least one",
        ),
        (
            json!({ "name": "t", "scopes": [{ "environment": "nope", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null }),
            "scopes[0].environment",
            "nope",
        ),
        (
            json!({ "name": "t", "scopes": [{ "environment": "dev", "secretPath": "/app/[ab]" }], "permissions": ["read"], "expiresIn": null }),
            "scopes[0].secretPath",
            "/app/[ab]",
        ),
        (
            json!({ "name": "t", "scopes": [{ "environment": "dev", "secretPath": "/!(x)" }], "permissions": ["read"], "expiresIn": null }),
            "scopes[0].secretPath",
            "/!(x)",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": [], "expiresIn": null }),
            "permissions",
            "read",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["admin"], "expiresIn": null }),
            "permissions",
            "admin",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"] }),
            "expiresIn",
            "required",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": 59 }),
            "expiresIn",
            "60",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": 0 }),
            "expiresIn",
            "60",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": 315360001 }),
            "expiresIn",
            "315360000",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": "60" }),
            "expiresIn",
            "seconds",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": null, "allowedIps": ["10.0.0.0/33"] }),
            "allowedIps",
            "10.0.0.0/33",
        ),
    ];
    for (request, field, mentions) in cases {
        let refused = app.as_admin().mint(&project, request).await;
        refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
        let detail = refused["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["field"] == field)
            .unwrap_or_else(|| panic!("no detail for {field}: {refused}"));
        assert!(
            detail["message"].as_str().unwrap().contains(mentions),
            "{field}: {refused}"
        );
    }
    assert_eq!(app.count_rows("service_tokens"), 0);
}

#[tokio::test]
async fn tokens_cannot_be_updated() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Immutable").await;
    let (_, id) = app.mint(&project, read_dev_app()).await;
    for (method, path) in [
        (Method::PUT, paths::token(&project, &id)),
        (Method::PATCH, paths::token(&project, &id)),
        (Method::PUT, paths::tokens(&project)),
        (Method::PATCH, paths::tokens(&project)),
    ] {
        app.as_admin()
            .send_json(method, &path, json!({ "name": "renamed" }))
            .await
            .assert_error(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
    }
}

#[tokio::test]
async fn a_token_cannot_reach_management_routes() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Mgmt").await;
    let (token, id) = app
        .mint_scoped(&project, "w", "dev", "/**", &["read", "write"])
        .await;
    let attempts = [
        (Method::POST, paths::tokens(&project), read_dev_app()),
        (Method::GET, paths::tokens(&project), Value::Null),
        (Method::DELETE, paths::token(&project, &id), Value::Null),
        (Method::GET, paths::PROJECTS.to_owned(), Value::Null),
        (
            Method::POST,
            paths::PROJECTS.to_owned(),
            json!({ "name": "evil" }),
        ),
        (Method::DELETE, paths::project(&project), Value::Null),
        (
            Method::POST,
            paths::environments(&project),
            json!({ "name": "x", "slug": "x" }),
        ),
    ];
    for (method, path, request) in attempts {
        app.as_token(&access_part(&token))
            .send_json(method, &path, request)
            .await
            .assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    }
    assert_eq!(
        app.count_rows("service_tokens"),
        1,
        "the token created nothing and deleted nothing"
    );
}
