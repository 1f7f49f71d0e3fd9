//! The admin UI over real HTTP: redirects, CSRF refusals, the one-time token page, form
//! validation re-rendering, and the pages' status codes and headers.

use crate::helpers::{access_part, spawn_app, spawn_fresh, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::json;

/// A browser-like client: cookie jar, no redirects followed.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first `<input … name="{name}" value="…">` in a page.
fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A cookie-logged-in browser (the harness client) and the CSRF token its pages carry.
async fn logged_in(app: &TestApp) -> String {
    let html = app
        .client
        .get(app.url("/projects"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    hidden_field(&html, "csrf_token")
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap()
}

fn token_form<'a>(
    csrf: &'a str,
    name: &'a str,
    scopes: &[(&'a str, &'a str)],
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("csrf_token", csrf), ("name", name), ("perm_read", "1")];
    for (env, path) in scopes {
        form.push(("scope_env", env));
        form.push(("scope_path", path));
    }
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn pages_without_a_session_redirect_to_login_with_next() {
    let app = spawn_app().await;
    let response = browser()
        .get(app.url("/projects/abc/secrets/dev?path=/app"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/login?next=/projects/abc/secrets/dev%3Fpath%3D/app"
    );
    let login = browser()
        .get(app.url("/login?next=/projects"))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let html = login.text().await.unwrap();
    assert!(
        html.contains("<label for=\"email\">Email</label>")
            && html.contains("<label for=\"password\">Password</label>")
    );
    assert!(html.contains(">Log in</button>"));
}

#[tokio::test]
async fn login_follows_a_same_site_next_and_ignores_a_foreign_one() {
    let app = spawn_app().await;
    for (next, expected) in [
        ("/projects/x/settings", "/projects/x/settings"),
        ("//evil.example/", "/projects"),
        ("https://evil.example/", "/projects"),
    ] {
        let client = browser();
        let page = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let preauth = hidden_field(&page, "preauth");
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("preauth", preauth.as_str()),
                ("next", next),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(location(&response), expected, "next={next}");
        assert_eq!(
            client
                .get(app.url("/projects"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "session cookie set"
        );
    }
}

#[tokio::test]
async fn login_without_the_pre_session_token_is_refused() {
    let app = spawn_app().await;
    let client = browser();
    let form = [
        ("email", ADMIN_EMAIL),
        ("password", ADMIN_PASSWORD),
        ("preauth", "0123456789abcdef0123456789abcdef"),
    ];
    let response = client
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session for a forged login"
    );
}

#[tokio::test]
async fn wrong_password_rerenders_the_login_form_with_the_email_kept() {
    let app = spawn_app().await;
    let client = browser();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preauth = hidden_field(&page, "preauth");
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("preauth", preauth.as_str()),
            ("email", ADMIN_EMAIL),
            ("password", "not-the-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Wrong e-mail or password")
            && html.contains(&format!("value=\"{ADMIN_EMAIL}\""))
    );
}

#[tokio::test]
async fn setup_page_creates_the_first_admin_and_then_closes() {
    let app = spawn_fresh().await;
    let client = browser();
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&home), "/setup");
    let page = client
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preauth = hidden_field(&page, "preauth");
    let code = app.state.setup_code().unwrap();
    let form = [
        ("preauth", preauth.as_str()),
        ("setup_code", code.as_str()),
        ("email", "first@example.com"),
        ("password", "a-long-password"),
        ("confirm", "a-long-password"),
    ];
    let without_token = browser()
        .post(app.url("/setup"))
        .form(&form[1..])
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let response = client
        .post(app.url("/setup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?notice=setup");
    assert_eq!(
        location(&client.get(app.url("/setup")).send().await.unwrap()),
        "/login"
    );
}

#[tokio::test]
async fn form_posts_without_a_valid_csrf_token_are_refused() {
    let app = spawn_app().await;
    let csrf = logged_in(&app).await;
    let missing = post_form(&app, "/projects", &[("name", "No token")]).await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let wrong = post_form(
        &app,
        "/projects",
        &[("name", "Wrong token"), ("csrf_token", &"0".repeat(32))],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let cross_site = app
        .client
        .post(app.url("/projects"))
        .header("Origin", "https://evil.example")
        .form(&[("name", "Cross site"), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert!(
        missing.text().await.unwrap().contains("Request refused"),
        "403 is a page in the layout"
    );
    let ok = post_form(
        &app,
        "/projects",
        &[("name", "With token"), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let list = app
        .admin(Method::GET, "/api/v1/projects")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("With token")
            && !list.contains("No token")
            && !list.contains("Wrong token")
            && !list.contains("Cross site")
    );
}

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
    let tokens = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!tokens.contains("keep-me"), "nothing minted");
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
    let (token, id) = app.mint(&project, json!({ "name": "old", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null })).await;
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
    let service_token = browser()
        .get(app.url("/projects"))
        .header(
            "Authorization",
            "Bearer st.00000000000000000000000000000000.00000000000000000000000000000000",
        )
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

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let csrf = logged_in(&app).await;
    let response = post_form(&app, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(location(&response), "/login?notice=logout");
    let after = app.client.get(app.url("/projects")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_stale_session_cookie_is_dropped_on_the_way_to_login() {
    let app = spawn_app().await;
    let client = browser();
    let response = client
        .get(app.url("/projects"))
        .header("Cookie", "envkeep_session=0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cleared = response.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("envkeep_session=;") && c.contains("Max-Age=0")
    });
    assert!(cleared, "the stale cookie is removed");
}
