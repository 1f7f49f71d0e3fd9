//! One caller of the native API: each method makes one request and returns its `Answer`.

use super::answer::{Answer, Answered};
use super::{client, paths, Cookies, LOOPBACK};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::{json, Value};

/// A base URL, a client that keeps no cookies, and the bearer sent (none when anonymous).
/// Works against the in-process server and a release binary alike.
#[derive(Clone)]
pub struct Api {
    base: String,
    client: Client,
    bearer: Option<String>,
}

impl Api {
    pub fn new(base: &str, client: Client) -> Api {
        Api {
            base: base.to_owned(),
            client,
            bearer: None,
        }
    }

    /// A caller of any server at `base` (e.g. a release binary), with its own client.
    pub fn at(base: &str) -> Api {
        Api::new(base, client(Cookies::Dropped, LOOPBACK))
    }

    /// The same server and client with `token` as the bearer.
    pub fn with_bearer(mut self, token: &str) -> Api {
        self.bearer = Some(token.to_owned());
        self
    }

    /// The bearer sent, or "" when anonymous.
    pub fn bearer(&self) -> &str {
        self.bearer.as_deref().unwrap_or("")
    }

    /// A request to finish by hand (headers, raw bodies), then `.answer()`.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.client.request(method, format!("{}{path}", self.base));
        match &self.bearer {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.request(Method::GET, path).answer().await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.request(Method::DELETE, path).answer().await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Answer {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn patch_json(&self, path: &str, body: Value) -> Answer {
        self.send_json(Method::PATCH, path, body).await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: Value) -> Answer {
        self.request(method, path).json(&body).answer().await
    }

    /// For tests where the server may fail or be gone: the transport error instead of a panic.
    pub async fn try_send_json(
        &self,
        method: Method,
        path: &str,
        body: Value,
    ) -> reqwest::Result<Answer> {
        self.request(method, path).json(&body).try_answer().await
    }

    pub async fn login(&self, email: &str, password: &str) -> Answer {
        let body = json!({ "email": email, "password": password });
        self.post_json(paths::LOGIN, body).await
    }

    pub async fn logout(&self) -> Answer {
        self.request(Method::POST, paths::LOGOUT).answer().await
    }

    pub async fn whoami(&self) -> Answer {
        self.get(paths::WHOAMI).await
    }

    pub async fn create_project(&self, name: &str) -> Answer {
        self.post_json(paths::PROJECTS, json!({ "name": name }))
            .await
    }

    pub async fn get_project(&self, id: &str) -> Answer {
        self.get(&paths::project(id)).await
    }

    pub async fn list_projects(&self) -> Answer {
        self.get(paths::PROJECTS).await
    }

    pub async fn delete_project(&self, id: &str) -> Answer {
        self.delete(&paths::project(id)).await
    }

    pub async fn list_environments(&self, project: &str) -> Answer {
        self.get(&paths::environments(project)).await
    }

    pub async fn create_environment(&self, project: &str, name: &str, slug: &str) -> Answer {
        let body = json!({ "name": name, "slug": slug });
        self.post_json(&paths::environments(project), body).await
    }

    pub async fn delete_environment(&self, project: &str, slug: &str) -> Answer {
        self.delete(&paths::environment(project, slug)).await
    }

    pub async fn create_secret(
        &self,
        project: &str,
        env: &str,
        path: &str,
        key: &str,
        value: &str,
    ) -> Answer {
        let body = json!({ "environment": env, "path": path, "key": key, "value": value });
        self.post_secret(project, body).await
    }

    /// Creates a secret from a body as the test wrote it (odd or missing fields included).
    pub async fn post_secret(&self, project: &str, body: Value) -> Answer {
        self.post_json(&paths::secrets(project), body).await
    }

    /// `POST …/secret-batches` with the body as the test wrote it.
    pub async fn write_batch(&self, project: &str, body: Value) -> Answer {
        self.post_json(&paths::secret_batches(project), body).await
    }

    pub async fn get_secret(&self, project: &str, env: &str, path: &str, key: &str) -> Answer {
        self.get(&paths::secret(project, env, path, key)).await
    }

    pub async fn update_secret(
        &self,
        project: &str,
        env: &str,
        path: &str,
        key: &str,
        value: &str,
    ) -> Answer {
        let path = paths::secret(project, env, path, key);
        self.patch_json(&path, json!({ "value": value })).await
    }

    pub async fn delete_secret(&self, project: &str, env: &str, path: &str, key: &str) -> Answer {
        self.delete(&paths::secret(project, env, path, key)).await
    }

    pub async fn list_secrets(&self, project: &str, env: &str, path: &str) -> Answer {
        self.get(&paths::secrets_in(project, env, path)).await
    }

    pub async fn list_secrets_recursive(&self, project: &str, env: &str, path: &str) -> Answer {
        self.get(&paths::recursive(&paths::secrets_in(project, env, path)))
            .await
    }

    pub async fn create_folder(&self, project: &str, env: &str, path: &str, name: &str) -> Answer {
        let body = json!({ "environment": env, "path": path, "name": name });
        self.post_json(&paths::folders(project), body).await
    }

    pub async fn list_folders(&self, project: &str, env: &str, path: &str) -> Answer {
        self.get(&paths::folders_in(project, env, path)).await
    }

    pub async fn list_folders_recursive(&self, project: &str, env: &str, path: &str) -> Answer {
        self.get(&paths::recursive(&paths::folders_in(project, env, path)))
            .await
    }

    /// Deletes an empty folder.
    pub async fn delete_folder(&self, project: &str, env: &str, path: &str) -> Answer {
        self.delete(&paths::folders_in(project, env, path)).await
    }

    /// Deletes a folder with everything below it.
    pub async fn delete_folder_recursive(&self, project: &str, env: &str, path: &str) -> Answer {
        self.delete(&paths::recursive(&paths::folders_in(project, env, path)))
            .await
    }

    pub async fn mint(&self, project: &str, body: Value) -> Answer {
        self.post_json(&paths::tokens(project), body).await
    }

    pub async fn list_tokens(&self, project: &str) -> Answer {
        self.get(&paths::tokens(project)).await
    }

    pub async fn revoke(&self, project: &str, token_id: &str) -> Answer {
        self.delete(&paths::token(project, token_id)).await
    }
}
