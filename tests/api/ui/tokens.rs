//! Access Control > Service Tokens: create form, one-time page, validation, revoke.

use super::{browser, hidden_field, location, logged_in, post_form, token_form};
use crate::legacy_helpers::{access_part, spawn_app, Answer, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::header::CACHE_CONTROL;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_new_token_is_shown_once_with_no_store() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "dev", "/app/db", "DB_URL", "postgres://x")
        .await;
    let csrf = logged_in(&app).await;
    let form = token_form(
        &csrf,
        "ci",
        &[("dev", "/app/**"), ("staging", "/")],
        &[
            ("perm_write", "1"),
            ("expiration", "604800"),
            ("create", "1"),
        ],
    );
    let created = post_form(
        &app,
        &format!("/projects/{project}/access-control/service-tokens/new"),
        &form,
    )
    .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let shown_at = location(&created);
    assert!(
        shown_at.starts_with(&format!(
            "/projects/{project}/access-control/service-tokens/created/"
        )),
        "{shown_at}"
    );
    assert!(
        !shown_at.contains("st."),
        "the token never travels in a URL"
    );

    let first = app.client.get(app.url(&shown_at)).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers().get(CACHE_CONTROL).unwrap(), "no-store");
    let html = first.text().await.unwrap();
    let token = hidden_value_of_input(&html, "token-value");
    assert_eq!(token.split('.').count(), 4, "{token}");
    assert!(html.contains("will not be shown again"));
    let read = app
        .bearer(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/DB_URL?environment=dev&path=/app/db"),
            &access_part(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);

    let again = app.client.get(app.url(&shown_at)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(
        !again.text().await.unwrap().contains(&token),
        "a reload must not show the token"
    );

    let list = app
        .client
        .get(app.url(&format!(
            "/projects/{project}/access-control/service-tokens"
        )))
        .send()
        .await
        .unwrap();
    let html = list.text().await.unwrap();
    assert!(
        html.contains("dev · /app/**")
            && html.contains("staging · /")
            && html.contains("Read, Write")
            && html.contains("in 7 days")
    );
}

/// The `value` of `<input id="{id}" …>`.
fn hidden_value_of_input(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let value = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[value..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn another_session_cannot_open_the_one_time_page() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let form = token_form(&csrf, "ci", &[("dev", "/")], &[("expiration", "86400")]);
    let created = post_form(
        &app,
        &format!("/projects/{project}/access-control/service-tokens/new"),
        &form,
    )
    .await;
    let shown_at = location(&created);
    let other = browser();
    let page = other
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preauth = hidden_field(&page, "preauth");
    other
        .post(app.url("/login"))
        .form(&[
            ("preauth", preauth.as_str()),
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.get(app.url(&shown_at)).send().await.unwrap().status(),
        StatusCode::GONE
    );
    assert_eq!(
        app.client
            .get(app.url(&shown_at))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK,
        "still there for its owner"
    );
}

#[tokio::test]
async fn invalid_token_form_rerenders_with_values_and_messages_by_each_field() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let form = token_form(
        &csrf,
        "keep-me",
        &[("dev", "/app/[x]"), ("nope", "/ok")],
        &[
            ("expiration", "custom"),
            ("custom_date", "2001-01-01"),
            ("allowed_ips", "10.0.0.0/8\r\nnot-an-ip"),
            ("perm_write", "1"),
        ],
    );
    let response = post_form(
        &app,
        &format!("/projects/{project}/access-control/service-tokens/new"),
        &form,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("value=\"keep-me\""), "name kept");
    assert!(
        html.contains("value=\"/app/[x]\"") && html.contains("value=\"/ok\""),
        "paths kept"
    );
    assert!(
        html.contains("id=\"scope_path_0-error\""),
        "glob error by its row"
    );
    assert!(
        html.contains("id=\"allowed-ips-error\"") && html.contains("not-an-ip"),
        "IP error by its field"
    );
    assert!(html.contains("id=\"expiration-error\"") && html.contains("Pick a date after today"));
    assert!(
        html.contains("<option value=\"custom\" selected>"),
        "expiration kept"
    );
    assert!(
        html.contains("name=\"perm_write\" value=\"1\" checked"),
        "write kept"
    );
    let (status, tokens) = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["serviceTokens"], json!([]), "nothing minted");
}

#[tokio::test]
async fn unknown_environment_and_missing_permissions_are_reported_by_their_fields() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let form = vec![
        ("csrf_token", csrf.as_str()),
        ("name", "x"),
        ("scope_env", "qa"),
        ("scope_path", "/"),
        ("expiration", "never"),
    ];
    let response = post_form(
        &app,
        &format!("/projects/{project}/access-control/service-tokens/new"),
        &form,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Choose Read, Write or both."));
    let form = vec![
        ("csrf_token", csrf.as_str()),
        ("name", "x"),
        ("scope_env", "qa"),
        ("scope_path", "/"),
        ("expiration", "never"),
        ("perm_read", "1"),
    ];
    let html = post_form(
        &app,
        &format!("/projects/{project}/access-control/service-tokens/new"),
        &form,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        html.contains("id=\"scope_env_0-error\"")
            && html.contains("does not exist in this project"),
        "{html}"
    );
}

#[tokio::test]
async fn scope_rows_are_added_and_removed_by_a_server_round_trip() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let csrf = logged_in(&app).await;
    let path = format!("/projects/{project}/access-control/service-tokens/new");
    let form = token_form(&csrf, "rows", &[("staging", "/one")], &[("add_scope", "1")]);
    let added = post_form(&app, &path, &form).await;
    assert_eq!(added.status(), StatusCode::OK);
    let html = added.text().await.unwrap();
    assert!(
        html.contains("id=\"scope_path_1\"")
            && html.contains("value=\"/one\"")
            && html.contains("value=\"rows\"")
    );
    let form = token_form(
        &csrf,
        "rows",
        &[("staging", "/one"), ("prod", "/two")],
        &[("remove_scope", "0")],
    );
    let html = post_form(&app, &path, &form).await.text().await.unwrap();
    assert!(
        !html.contains("id=\"scope_path_1\"")
            && !html.contains("value=\"/one\"")
            && html.contains("value=\"/two\"")
    );
    assert!(html.contains("<option value=\"prod\" selected>"));
}

#[tokio::test]
async fn the_token_form_offers_the_documented_choices() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let html = app
        .client
        .get(app.url(&format!(
            "/projects/{project}/access-control/service-tokens/new"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for label in [
        "1 day",
        "7 days",
        "1 month",
        "6 months",
        "12 months",
        "Never",
        "Custom date…",
    ] {
        assert!(html.contains(&format!(">{label}</option>")), "{label}");
    }
    assert!(
        html.contains("<option value=\"86400\" selected>1 day</option>"),
        "1 day is the default"
    );
    assert!(html.contains("<label for=\"expiration\">Expiration</label>"));
    assert!(
        html.contains("<option value=\"dev\" selected>Development</option>")
            && html.contains("<option value=\"staging\">Staging</option>")
    );
    assert!(html.contains("placeholder=\"/, /app/**, /**/deep\"") && html.contains("value=\"/\""));
    assert!(
        html.contains("id=\"perm_read\" name=\"perm_read\" value=\"1\" checked")
            && !html.contains("name=\"perm_write\" value=\"1\" checked")
    );
    assert!(html.contains("type=\"date\" id=\"custom_date\""));
}

#[tokio::test]
async fn revoking_in_the_ui_makes_the_api_refuse_the_token() {
    let app = spawn_app().await;
    let project = app.create_project("Shop").await;
    let (token, id) = app
        .mint_scoped(&project, "old", "dev", "/", &["read"])
        .await;
    let whoami = || {
        app.bearer(Method::GET, "/api/v1/auth/token", &access_part(&token))
            .send()
    };
    assert_eq!(whoami().await.unwrap().status(), StatusCode::OK);
    let csrf = logged_in(&app).await;
    let revoke = format!("/projects/{project}/access-control/service-tokens/{id}/revoke");
    let confirm = app.client.get(app.url(&revoke)).send().await.unwrap();
    assert_eq!(confirm.status(), StatusCode::OK);
    assert!(confirm
        .text()
        .await
        .unwrap()
        .contains("Revoke service token old?"));
    assert_eq!(
        whoami().await.unwrap().status(),
        StatusCode::OK,
        "the confirmation page alone revokes nothing"
    );
    let done = post_form(&app, &revoke, &[("csrf_token", &csrf)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(whoami().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.client
            .get(app.url(&revoke))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
