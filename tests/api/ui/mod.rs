//! The admin UI over real HTTP: redirects, CSRF refusals, the one-time token page, form
//! validation re-rendering, and the pages' status codes and headers. Helpers here act like a
//! browser: a cookie jar, no redirects followed, hidden fields scraped from the page.

mod auth;
mod pages;
mod tokens;

use crate::legacy_helpers::TestApp;
use reqwest::header::LOCATION;
use reqwest::{Client, Response};

/// A browser-like client: cookie jar, no redirects followed.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first `<input … name="{name}" value="…">` in a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A cookie-logged-in browser (the harness client) and the CSRF token its pages carry.
pub async fn logged_in(app: &TestApp) -> String {
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

pub async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap()
}

pub fn token_form<'a>(
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
