//! The admin UI over real HTTP: redirects, CSRF refusals, the one-time token page, form
//! validation re-rendering, and the pages' status codes and headers, driven by a `Browser`.

mod csrf;
mod dotenv;
mod error_pages;
mod error_summary;
mod finding;
mod identities;
mod invite_throttle;
mod line_breaks;
mod login;
mod member_environments;
mod next;
mod overview;
mod preauth;
mod resume;
mod secrets_browser;
mod settings;
mod setup;
mod team;
mod tokens;

/// A project's secrets browser for one environment.
pub fn secrets_page(project: &str, env: &str) -> String {
    format!("/projects/{project}/secrets/{env}")
}

/// A form action of the dev secrets browser: `add`, `edit`, `delete`, `folders`.
pub fn secrets_form(project: &str, action: &str) -> String {
    format!("{}/{action}", secrets_page(project, "dev"))
}

fn environment_settings(project: &str) -> String {
    format!("/projects/{project}/settings/environments")
}

/// A form action on one environment in the settings: `rename`, `move`, `delete`.
fn environment_form(project: &str, slug: &str, action: &str) -> String {
    format!("{}/{slug}/{action}", environment_settings(project))
}

fn project_delete_page(project: &str) -> String {
    format!("/projects/{project}/delete")
}

pub fn tokens_page(project: &str) -> String {
    format!("/projects/{project}/access-control/service-tokens")
}

fn new_token_page(project: &str) -> String {
    format!("{}/new", tokens_page(project))
}

fn revoke_page(project: &str, token_id: &str) -> String {
    format!("{}/{token_id}/revoke", tokens_page(project))
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
