//! People other than the harness's admin (who is the instance owner): `app.create_user(email,
//! role)` invites them as the admin, accepts the invitation and logs them in; `app.as_user(&u)`
//! is the API as that person; `app.add_member(..)` gives them a project role.

use super::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The password every test user gets.
pub const USER_PASSWORD: &str = "another-correct-horse";

/// A person with an account and a live session.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    /// The session token (a bearer).
    pub token: String,
}

/// The code at the end of an invitation url (`…/invite/<code>`).
pub fn invite_code(url: &str) -> String {
    url.rsplit('/').next().unwrap_or_default().to_owned()
}

impl TestApp {
    /// Invites `email` with instance role `role` (`owner`, `admin`, `member`) as the admin,
    /// accepts the invitation and logs the new user in.
    pub async fn create_user(&self, email: &str, role: &str) -> TestUser {
        let invited = self.as_admin().invite(email, role).await;
        assert_eq!(invited.status, StatusCode::CREATED, "invite: {invited}");
        let code = invite_code(invited["url"].as_str().unwrap());
        let accepted = self.anonymous().accept_invite(&code, USER_PASSWORD).await;
        assert_eq!(accepted.status, StatusCode::CREATED, "accept: {accepted}");
        let login = self.anonymous().login(email, USER_PASSWORD).await;
        assert_eq!(login.status, StatusCode::OK, "login: {login}");
        TestUser {
            id: accepted["user"]["id"].as_str().unwrap().to_owned(),
            email: email.to_owned(),
            token: login["token"].as_str().unwrap().to_owned(),
        }
    }

    /// The API as `user`, with their session token as a bearer.
    pub fn as_user(&self, user: &TestUser) -> Api {
        self.as_token(&user.token)
    }

    /// Makes `user` a member of `project` with `role` (`admin`, `developer`, `viewer`) and
    /// `environments` (`None` = all), as the admin.
    pub async fn add_member(
        &self,
        project: &str,
        user: &TestUser,
        role: &str,
        environments: Option<&[&str]>,
    ) {
        let body = json!({ "email": user.email, "role": role, "environments": environments });
        let added = self.as_admin().add_member(project, body).await;
        assert_eq!(added.status, StatusCode::CREATED, "add member: {added}");
    }

    /// A new instance member with `role` in `project` (see [`TestApp::add_member`]).
    pub async fn member_of(
        &self,
        project: &str,
        email: &str,
        role: &str,
        environments: Option<&[&str]>,
    ) -> TestUser {
        let user = self.create_user(email, "member").await;
        self.add_member(project, &user, role, environments).await;
        user
    }
}

/// The routes of users, invitations and members.
impl Api {
    pub async fn invite(&self, email: &str, role: &str) -> super::Answer {
        let body = json!({ "email": email, "role": role });
        self.post_json(INVITES, body).await
    }

    pub async fn list_invites(&self) -> super::Answer {
        self.get(INVITES).await
    }

    pub async fn revoke_invite(&self, id: &str) -> super::Answer {
        self.delete(&format!("{INVITES}/{id}")).await
    }

    pub async fn accept_invite(&self, code: &str, password: &str) -> super::Answer {
        let body = json!({ "code": code, "password": password });
        self.post_json(&format!("{INVITES}/accept"), body).await
    }

    pub async fn list_users(&self) -> super::Answer {
        self.get(USERS).await
    }

    pub async fn update_user(&self, id: &str, body: Value) -> super::Answer {
        self.patch_json(&format!("{USERS}/{id}"), body).await
    }

    pub async fn delete_user(&self, id: &str, revoke_tokens: bool) -> super::Answer {
        let path = format!("{USERS}/{id}?revokeTokens={revoke_tokens}");
        self.delete(&path).await
    }

    pub async fn list_members(&self, project: &str) -> super::Answer {
        self.get(&members(project)).await
    }

    pub async fn add_member(&self, project: &str, body: Value) -> super::Answer {
        self.post_json(&members(project), body).await
    }

    pub async fn update_member(&self, project: &str, user_id: &str, body: Value) -> super::Answer {
        self.patch_json(&format!("{}/{user_id}", members(project)), body)
            .await
    }

    pub async fn remove_member(&self, project: &str, user_id: &str) -> super::Answer {
        self.delete(&format!("{}/{user_id}", members(project)))
            .await
    }
}

pub const USERS: &str = "/api/v1/users";
pub const INVITES: &str = "/api/v1/invites";

pub fn members(project: &str) -> String {
    format!("{}/members", super::paths::project(project))
}
