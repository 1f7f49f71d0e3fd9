//! The admin UI over real HTTP: redirects, CSRF refusals, the one-time token page, form
//! validation re-rendering, and the pages' status codes and headers, driven by a `Browser`.

mod csrf;
mod error_pages;
mod login;
mod secrets_browser;
mod settings;
mod setup;
mod tokens;

/// A project's secrets browser for one environment.
pub fn secrets_page(project: &str, env: &str) -> String {
    format!("/projects/{project}/secrets/{env}")
}

fn environment_settings(project: &str) -> String {
    format!("/projects/{project}/settings/environments")
}

fn tokens_page(project: &str) -> String {
    format!("/projects/{project}/access-control/service-tokens")
}

fn new_token_page(project: &str) -> String {
    format!("{}/new", tokens_page(project))
}

/// The token form's fields: read permission, one row per scope, then `extra`.
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
