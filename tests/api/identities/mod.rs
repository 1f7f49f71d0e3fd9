//! Machine identities with Universal Auth: login, renew, revoke, the checks on every use, and
//! the identity's role and environments in a project.

mod admin_roles;
mod client;
mod limits;
mod login;
mod renewal;
mod roles;

use crate::helpers::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct Machine {
    pub app: TestApp,
    pub project: String,
    pub identity: String,
    pub client_id: String,
}

/// A project with dev:/A=a and prod:/P=p, and an identity attached as `role` (all environments).
pub async fn machine(role: &str) -> Machine {
    let app = TestApp::spawn().await;
    let project = app.create_project("Machines").await;
    app.create_secret(&project, "dev", "/", "A", "a").await;
    app.create_secret(&project, "prod", "/", "P", "p").await;
    let created = app
        .as_admin()
        .post_json("/api/v1/identities", json!({ "name": "ci" }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    let m = Machine {
        identity: created["identity"]["id"].as_str().unwrap().to_owned(),
        client_id: created["identity"]["clientId"].as_str().unwrap().to_owned(),
        app,
        project,
    };
    m.attach(json!({ "role": role })).await;
    m
}

impl Machine {
    pub async fn attach(&self, grant: Value) {
        let mut body = grant;
        body["identityId"] = json!(self.identity);
        let path = format!("/api/v1/projects/{}/identities", self.project);
        let attached = self.app.as_admin().post_json(&path, body).await;
        assert_eq!(attached.status, StatusCode::CREATED, "{attached}");
    }

    /// A new client secret with these options; returns the secret.
    pub async fn secret(&self, options: Value) -> String {
        let path = format!("/api/v1/identities/{}/client-secrets", self.identity);
        let created = self.app.as_admin().post_json(&path, options).await;
        assert_eq!(created.status, StatusCode::CREATED, "{created}");
        created["clientSecret"].as_str().unwrap().to_owned()
    }

    pub async fn settings(&self, body: Value) {
        let path = format!("/api/v1/identities/{}/universal-auth", self.identity);
        let changed = self.app.as_admin().patch_json(&path, body).await;
        assert_eq!(changed.status, StatusCode::OK, "{changed}");
    }

    pub async fn login_with(&self, secret: &str) -> crate::helpers::Answer {
        let body = json!({ "clientId": self.client_id, "clientSecret": secret });
        self.app
            .anonymous()
            .post_json("/api/v1/auth/universal-auth/login", body)
            .await
    }

    /// Logs in with a fresh client secret; returns the access token.
    pub async fn token(&self) -> String {
        let secret = self.secret(json!({})).await;
        let login = self.login_with(&secret).await;
        assert_eq!(login.status, StatusCode::OK, "{login}");
        login["accessToken"].as_str().unwrap().to_owned()
    }

    pub fn raw(&self, env: &str) -> String {
        format!(
            "/api/v3/secrets/raw?workspaceId={}&environment={env}&secretPath=/",
            self.project
        )
    }

    pub fn as_identity(&self, token: &str) -> Api {
        self.app.as_token(token)
    }

    /// Runs SQL on the server's database file (for times a test cannot wait for).
    pub fn sql(&self, statement: &str, id: &str) {
        let conn = rusqlite::Connection::open(self.app.db_path()).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        assert_eq!(conn.execute(statement, [id]).unwrap(), 1, "{statement}");
    }
}

/// The token id inside `mi.<id>.<secret>`.
pub fn token_id(token: &str) -> String {
    token.split('.').nth(1).unwrap().to_owned()
}
