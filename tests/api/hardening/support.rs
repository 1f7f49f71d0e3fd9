//! Helpers shared by the hardening tests: servers with adjusted settings, clients that connect
//! from another loopback address, and the checks every 5xx body must pass.

use crate::legacy_helpers::{config_for, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use envkeep::config::Config;
use envkeep::startup::Application;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::net::IpAddr;

/// Starts a server like `spawn_app`, after `adjust` has changed its configuration.
pub async fn spawn_adjusted(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let mut config = config_for(
        temp.path(),
        &[
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
        ],
    );
    adjust(&mut config);
    let app = Application::build(config).await.expect("server starts");
    let (port, state, handle) = (app.port(), app.state(), app.handle());
    tokio::spawn(app.run());
    let mut app = TestApp {
        base: format!("http://127.0.0.1:{port}"),
        port,
        client: client_from("127.0.0.1"),
        data_dir: temp.path().to_path_buf(),
        state,
        handle,
        admin: String::new(),
        _temp: None,
    };
    app._temp = Some(temp);
    app.admin = app.login_token().await;
    app
}

/// A client whose connections come from `source` (any 127.0.0.0/8 address reaches a server bound
/// to 127.0.0.1, so tests can play several clients without leaving loopback).
pub fn client_from(source: &str) -> Client {
    Client::builder()
        .local_address(source.parse::<IpAddr>().unwrap())
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Creates a project with a secret in `dev` at `/` and mints a read/write token for `dev:/**`.
/// Returns (project id, access part of the token, token id).
pub async fn project_with_token(app: &TestApp) -> (String, String, String) {
    let project = app.create_project("hardening").await;
    app.create_secret(&project, "dev", "/", "DB_PASSWORD", "s3cr3t-value")
        .await;
    let (token, id) = app
        .mint(
            &project,
            json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/**" }],
                    "permissions": ["read", "write"], "expiresIn": null }),
        )
        .await;
    (project, crate::legacy_helpers::access_part(&token), id)
}

/// Words that must never appear in an error body: SQL, file paths, key or token material.
pub fn assert_generic_5xx(status: StatusCode, text: &str, forbidden: &[&str]) {
    assert!(
        status.is_server_error(),
        "expected a 5xx, got {status}: {text}"
    );
    let body: Value =
        serde_json::from_str(text).unwrap_or_else(|_| panic!("5xx body is not JSON: {text}"));
    assert!(
        matches!(
            body["error"].as_str(),
            Some("InternalError" | "ServiceUnavailable")
        ),
        "{text}"
    );
    let lower = text.to_lowercase();
    for word in [
        "select",
        "insert",
        "update ",
        "sqlite",
        "database",
        "/tmp",
        ".db",
        "envkeep.db",
        "root.key",
        "st.",
    ]
    .iter()
    .chain(forbidden)
    {
        assert!(
            !lower.contains(&word.to_lowercase()),
            "5xx body leaks {word:?}: {text}"
        );
    }
}
