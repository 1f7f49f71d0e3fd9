//! The test harness: `TestApp::spawn()` starts the real server on port 0 with its own temp data
//! dir, and helpers per endpoint talk HTTP to it.
//!
//! Methods on `TestApp` arrange a test's preconditions as the admin and fail the test unless they
//! succeed (`create_project`, `create_secret`, `mint`, `revoke`, `create_user`, `add_member`).
//! Methods on an `Api` caller (`app.as_admin()`, `app.as_user(&user)`, `app.as_token(..)`,
//! `app.anonymous()`) and on a `Browser` make one request
//! and return its `Answer`, whatever the status: that is what tests assert on. `BinaryServer`
//! runs the built binary instead, for what only the process shows (its JSON log).

mod answer;
mod api;
mod binary;
mod browser;
mod client;
mod config;
pub mod paths;
pub mod team;

pub use answer::{access_part, eventually, eventually_within, Answer, Answered};
pub use api::Api;
pub use binary::BinaryServer;
pub use browser::Browser;
pub use client::{client, Cookies, LOOPBACK};
pub use config::TestConfig;
pub use team::{invite_code, TestUser, USER_PASSWORD};

use envkeep::startup::{Application, StartupError};
use envkeep::state::AppState;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;
use tempfile::TempDir;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub state: actix_web::web::Data<AppState>,
    /// The admin's session token (a bearer), or empty when no admin exists.
    pub admin_token: String,
    handle: actix_web::dev::ServerHandle,
    /// A browser's client: its cookie jar holds the admin's session from start-up.
    browser: Client,
    /// A client that keeps no cookies, for bearer and anonymous calls.
    plain: Client,
    _temp: TempDir,
}

impl TestApp {
    /// A server with the test defaults: an admin exists and is logged in.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose settings `adjust` changed first, e.g. `|c| c.auth_failure_limit = 3`, or
    /// `|c| c.admin = None` for a first run with setup open.
    pub async fn spawn_with(adjust: impl FnOnce(&mut TestConfig)) -> TestApp {
        Self::try_spawn_with(adjust).await.expect("server starts")
    }

    /// Like `spawn_with`, for tests of start-up refusals. Logs in as the admin whenever one
    /// exists (bootstrapped now or kept in a reused data dir).
    pub async fn try_spawn_with(
        adjust: impl FnOnce(&mut TestConfig),
    ) -> Result<TestApp, StartupError> {
        let temp = tempfile::tempdir().expect("a temp dir");
        let mut config = TestConfig::new(temp.path());
        adjust(&mut config);
        let data_dir = config.data_dir.clone();
        let server = Application::build(config.config).await?;
        let (port, state, handle) = (server.port(), server.state(), server.handle());
        tokio::spawn(server.run());
        let mut app = TestApp {
            base: format!("http://127.0.0.1:{port}"),
            port,
            data_dir,
            state,
            admin_token: String::new(),
            handle,
            browser: client(Cookies::Kept, LOOPBACK),
            plain: client(Cookies::Dropped, LOOPBACK),
            _temp: temp,
        };
        if !app.state.setup.is_open() {
            app.admin_token = app.log_in_admin().await;
        }
        Ok(app)
    }

    /// The API as the admin, with the session token as a bearer.
    pub fn as_admin(&self) -> Api {
        self.anonymous().with_bearer(&self.admin_token)
    }

    /// The API as the holder of `token` (a service token or a session id).
    pub fn as_token(&self, token: &str) -> Api {
        self.anonymous().with_bearer(token)
    }

    /// The API with no credentials.
    pub fn anonymous(&self) -> Api {
        Api::new(&self.base, self.plain.clone())
    }

    /// The API with no credentials, from another loopback address.
    pub fn anonymous_from(&self, source: &str) -> Api {
        Api::new(&self.base, client(Cookies::Dropped, source))
    }

    /// The harness's own browser: the admin's session cookie is in its jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base, self.browser.clone())
    }

    /// A browser with an empty cookie jar.
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.base, client(Cookies::Kept, LOOPBACK))
    }

    /// Logs the admin in through the API with the harness browser (which keeps the session
    /// cookie) and returns the session token.
    pub async fn log_in_admin(&self) -> String {
        let login = self.browser().api_login().await;
        assert_eq!(login.status, StatusCode::OK, "admin login: {login}");
        login["token"].as_str().unwrap().to_owned()
    }

    /// Creates a project as the admin; returns its id.
    pub async fn create_project(&self, name: &str) -> String {
        let created = self.as_admin().create_project(name).await;
        assert_eq!(created.status, StatusCode::CREATED, "{created}");
        created["project"]["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_secret(
        &self,
        project: &str,
        env: &str,
        path: &str,
        key: &str,
        value: &str,
    ) {
        let body = json!({ "environment": env, "path": path, "key": key, "value": value });
        let created = self.as_admin().post_secret(project, body).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "create secret {key} at {env}{path}: {created}"
        );
    }

    /// Mints a token as the admin; returns (full token, token id).
    pub async fn mint(&self, project: &str, body: Value) -> (String, String) {
        let minted = self.as_admin().mint(project, body).await;
        assert_eq!(minted.status, StatusCode::CREATED, "mint: {minted}");
        (
            minted["token"].as_str().unwrap().to_owned(),
            minted["serviceToken"]["id"].as_str().unwrap().to_owned(),
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
        let body = json!({
            "name": name, "scopes": [{ "environment": environment, "secretPath": path }],
            "permissions": permissions, "expiresIn": null,
        });
        self.mint(project, body).await
    }

    /// Revokes a token as the admin.
    pub async fn revoke(&self, project: &str, token_id: &str) {
        let revoked = self.as_admin().revoke(project, token_id).await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT, "revoke: {revoked}");
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("envkeep.db")
    }

    /// Sends raw bytes and returns the answer's status code (0 if the server closed without one).
    pub async fn raw_status(&self, request: Vec<u8>) -> u16 {
        let port = self.port;
        tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let _ = stream.write_all(&request);
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            String::from_utf8_lossy(&answer)
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0)
        })
        .await
        .unwrap()
    }

    /// A direct connection to the server's SQLite file (for inspecting raw storage).
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db_path()).unwrap()
    }

    /// `SELECT count(*) FROM {table}` on the server's file.
    pub fn count_rows(&self, table: &str) -> i64 {
        self.sqlite()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// The database file and its WAL as text, to search for what must never be stored.
    pub fn stored_bytes(&self) -> String {
        let mut bytes = std::fs::read(self.db_path()).unwrap();
        bytes.extend(std::fs::read(self.data_dir.join("envkeep.db-wal")).unwrap_or_default());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}
