//! A team around one project, for the role × action tests: the owner (the harness admin), an
//! instance admin, the project's admin, a developer and a viewer limited to `dev`, an instance
//! member of no project, and a service token of the project (read and write on `dev:/**`).

use crate::helpers::{Api, TestApp, TestUser};

/// The callers, in the order every row lists them.
pub const COLUMNS: [&str; 7] = [
    "owner",
    "admin",
    "project admin",
    "developer",
    "viewer",
    "outsider",
    "token",
];

pub struct Team {
    pub app: TestApp,
    pub project: String,
    pub admin: TestUser,
    pub project_admin: TestUser,
    pub developer: TestUser,
    pub viewer: TestUser,
    pub outsider: TestUser,
    pub token: String,
}

impl Team {
    pub async fn spawn() -> Team {
        let app = TestApp::spawn().await;
        let project = app.create_project("Shop").await;
        app.create_secret(&project, "dev", "/", "DEV_KEY", "d")
            .await;
        app.create_secret(&project, "prod", "/", "PROD_KEY", "p")
            .await;
        let admin = app.create_user("admin2@example.com", "admin").await;
        let project_admin = app
            .member_of(&project, "lead@example.com", "admin", None)
            .await;
        let developer = app
            .member_of(&project, "dev@example.com", "developer", Some(&["dev"]))
            .await;
        let viewer = app
            .member_of(&project, "viewer@example.com", "viewer", Some(&["dev"]))
            .await;
        let outsider = app.create_user("outsider@example.com", "member").await;
        let (token, _) = app
            .mint_scoped(&project, "ci", "dev", "/**", &["read", "write"])
            .await;
        Team {
            app,
            project,
            admin,
            project_admin,
            developer,
            viewer,
            outsider,
            token,
        }
    }

    /// Each caller's API, in [`COLUMNS`] order.
    pub fn callers(&self) -> [Api; 7] {
        let app = &self.app;
        [
            app.as_admin(),
            app.as_user(&self.admin),
            app.as_user(&self.project_admin),
            app.as_user(&self.developer),
            app.as_user(&self.viewer),
            app.as_user(&self.outsider),
            app.as_token(&self.token),
        ]
    }

    /// The status each caller gets from `request` (given its API and its column's name, to
    /// make names unique), checked against `expected` with the whole row in the message.
    pub async fn row<F, Fut>(&self, action: &str, expected: [u16; 7], request: F)
    where
        F: Fn(Api, &'static str) -> Fut,
        Fut: std::future::Future<Output = crate::helpers::Answer>,
    {
        let mut got = [0u16; 7];
        let mut bodies = Vec::new();
        for (i, api) in self.callers().into_iter().enumerate() {
            let answer = request(api, COLUMNS[i]).await;
            got[i] = answer.status.as_u16();
            bodies.push(format!("{:>13}: {} {}", COLUMNS[i], got[i], answer.text));
        }
        assert_eq!(
            got,
            expected,
            "{action}, columns {COLUMNS:?}:\n{}",
            bodies.join("\n")
        );
    }
}

/// A name made of `column` that is a valid slug, e.g. `project-admin`.
pub fn slug(column: &str) -> String {
    column.replace(' ', "-")
}
