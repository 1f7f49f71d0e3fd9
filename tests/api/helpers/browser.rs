//! A browser against the admin UI: a cookie jar, no redirects followed, hidden fields scraped from
//! the page.

use super::answer::{Answer, Answered};
use super::{paths, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::{json, Value};

pub struct Browser {
    base: String,
    client: Client,
}

impl Browser {
    pub fn new(base: &str, client: Client) -> Browser {
        Browser {
            base: base.to_owned(),
            client,
        }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.request(Method::GET, path).answer().await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.request(Method::POST, path).form(form).answer().await
    }

    /// An API call authenticated by the session cookie alone.
    pub async fn post_json(&self, path: &str, body: Value) -> Answer {
        self.request(Method::POST, path).json(&body).answer().await
    }

    /// Logs in as the admin through the API; the answer carries the session's `csrfToken`.
    pub async fn api_login(&self) -> Answer {
        let body = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
        self.post_json(paths::LOGIN, body).await
    }

    /// The CSRF token a logged-in page carries.
    pub async fn csrf_token(&self) -> String {
        hidden_field(&self.get("/projects").await.text, "csrf_token")
    }

    /// Opens `page` (the login or setup form) and posts `fields` with the page's pre-session
    /// token, as the browser's form would.
    pub async fn submit_with_preauth(&self, page: &str, fields: &[(&str, &str)]) -> Answer {
        let preauth = hidden_field(&self.get(page).await.text, "preauth");
        let mut form = vec![("preauth", preauth.as_str())];
        form.extend_from_slice(fields);
        self.post_form(page, &form).await
    }

    /// Logs in as the admin through the login form.
    pub async fn log_in(&self) -> Answer {
        self.log_in_as(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Logs in as anyone through the login form.
    pub async fn log_in_as(&self, email: &str, password: &str) -> Answer {
        let fields = [("email", email), ("password", password)];
        self.submit_with_preauth("/login", &fields).await
    }
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
