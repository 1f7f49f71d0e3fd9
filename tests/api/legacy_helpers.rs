//! The harness before `helpers/`, kept while the modules move over; deleted at the end.
#![allow(dead_code)]

use clap::Parser;
use envkeep::cli::Cli;
use envkeep::config::Config;
use envkeep::startup::{Application, StartupError};
use envkeep::state::AppState;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub client: Client,
    pub data_dir: PathBuf,
    pub state: actix_web::web::Data<AppState>,
    pub handle: actix_web::dev::ServerHandle,
    /// The admin session token (Bearer), when the app was started with an admin.
    pub admin: String,
    pub _temp: Option<TempDir>,
}

/// Server settings for a test: temp data dir, port 0, two workers, sweep off, no throttling;
/// flags in `extra` replace these defaults.
pub fn test_args(data_dir: &Path, extra: &[&str]) -> Vec<String> {
    let data_dir = data_dir.display().to_string();
    let defaults = [
        ("--bind", "127.0.0.1:0"),
        ("--data-dir", data_dir.as_str()),
        ("--workers", "2"),
        ("--sweep-schedule", "off"),
        ("--auth-failure-limit", "0"),
    ];
    let mut argv: Vec<String> = vec!["envkeep".into()];
    for (flag, value) in defaults {
        if !extra.contains(&flag) {
            argv.extend([flag.to_owned(), value.to_owned()]);
        }
    }
    argv.extend(extra.iter().map(|s| s.to_string()));
    argv
}

pub fn config_for(data_dir: &Path, extra: &[&str]) -> Config {
    let cli = Cli::parse_from(test_args(data_dir, extra));
    Config::from_args(&cli.serve).expect("test config is valid")
}

pub async fn try_spawn(data_dir: &Path, extra: &[&str]) -> Result<TestApp, StartupError> {
    let app = Application::build(config_for(data_dir, extra)).await?;
    let port = app.port();
    let state = app.state();
    let handle = app.handle();
    tokio::spawn(app.run());
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Ok(TestApp {
        base: format!("http://127.0.0.1:{port}"),
        port,

        client,
        data_dir: data_dir.to_path_buf(),
        state,
        handle,
        admin: String::new(),
        _temp: None,
    })
}

/// A server with an admin bootstrapped from the environment settings and logged in.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
    ];
    args.extend_from_slice(extra);
    let mut app = try_spawn(temp.path(), &args).await.expect("server starts");
    app._temp = Some(temp);
    app.admin = app.login_token().await;
    app
}

/// A server on a fresh data dir with no admin (setup open).
pub async fn spawn_fresh() -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let mut app = try_spawn(temp.path(), &[]).await.expect("server starts");
    app._temp = Some(temp);
    app
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login_token(&self) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "admin login");
        response.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A request with the admin's bearer token.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.admin)
    }

    /// A request with a service token (or any bearer).
    pub fn bearer(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        Client::new()
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    pub async fn create_project(&self, name: &str) -> String {
        let response = self
            .admin(Method::POST, "/api/v1/projects")
            .json(&json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()["project"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn create_secret(
        &self,
        project: &str,
        env: &str,
        path: &str,
        key: &str,
        value: &str,
    ) {
        let response = self
            .admin(Method::POST, &format!("/api/v1/projects/{project}/secrets"))
            .json(&json!({ "environment": env, "path": path, "key": key, "value": value }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "create secret {key} at {env}{path}"
        );
    }

    /// Mints a token; returns (full token, token id).
    pub async fn mint(&self, project: &str, body: Value) -> (String, String) {
        let response = self
            .admin(
                Method::POST,
                &format!("/api/v1/projects/{project}/service-tokens"),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let json: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "mint: {json}");
        (
            json["token"].as_str().unwrap().to_owned(),
            json["serviceToken"]["id"].as_str().unwrap().to_owned(),
        )
    }

    /// Mints a never-expiring token with one scope; returns (token, id).
    pub async fn mint_scoped(
        &self,
        project: &str,
        name: &str,
        environment: &str,
        path: &str,
        permissions: &[&str],
    ) -> (String, String) {
        self.mint(
            project,
            json!({ "name": name, "scopes": [{ "environment": environment, "secretPath": path }], "permissions": permissions, "expiresIn": null }),
        )
        .await
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("envkeep.db")
    }

    /// A direct connection to the server's SQLite file (for inspecting raw storage).
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db_path()).unwrap()
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// The access part (`st.<id>.<secret>`) of a full token.
pub fn access_part(token: &str) -> String {
    token.splitn(4, '.').take(3).collect::<Vec<_>>().join(".")
}

/// Sends a request and reads its status and body: `app.admin(Method::GET, "/x").answer().await`.
pub trait Answer {
    fn answer(self) -> impl std::future::Future<Output = (StatusCode, Value)>;
}

impl Answer for RequestBuilder {
    async fn answer(self) -> (StatusCode, Value) {
        body(self.send().await.unwrap()).await
    }
}

/// Polls `check` every 20 ms until it holds, failing the test after 10 s: for effects that
/// happen off the request path (a flush at shutdown, an audit row, a scheduled sweep).
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "not within 10 s: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The status and the JSON body (or the text, as a JSON string, when it is not JSON).
pub async fn body(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

/// Asserts an error body of DESIGN §6 with this status and `error` name.
pub fn assert_error(status: StatusCode, json: &Value, expected: StatusCode, name: &str) {
    assert_eq!(status, expected, "body: {json}");
    assert_eq!(json["statusCode"], expected.as_u16(), "body: {json}");
    assert_eq!(json["error"], name, "body: {json}");
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "body: {json}"
    );
}
