//! Where a secret page points: a folder's address in the browser, and the environment, folder
//! and location named by a URL or a posted form (an unknown one is a 404 page, not an error).

use crate::domain::{EnvSlug, SecretPath};
use crate::error::AppError;
use crate::routes::ui::encode::component;
use crate::routes::ui::pages::UiResult;
use crate::service::secrets::Location;
use crate::service::views::ProjectView;

/// The address of a folder in the browser.
pub fn folder_href(project_id: &str, env: &str, path: &str) -> String {
    if path == "/" {
        format!("/projects/{project_id}/secrets/{env}")
    } else {
        format!(
            "/projects/{project_id}/secrets/{env}?path={}",
            component(path)
        )
    }
}

/// The folder in `?path=` (or the form's `path`); an invalid path is a 404 like a missing one.
pub fn folder_path(raw: Option<&str>) -> UiResult<SecretPath> {
    match raw {
        None | Some("") => Ok(SecretPath::root()),
        Some(raw) => SecretPath::parse(raw)
            .map_err(|e| AppError::NotFound(format!("No such folder: {}", e.0)).into()),
    }
}

pub fn location(project: &ProjectView, env: &str, path: &SecretPath) -> UiResult<Location> {
    let environment = EnvSlug::parse(env).map_err(|e| AppError::NotFound(e.0))?;
    Ok(Location {
        project_id: project.id.clone(),
        environment,
        path: path.clone(),
    })
}

/// `href` with a `notice` code for the page the redirect lands on (`?` or `&` as needed).
pub fn with_notice(href: &str, code: &str) -> String {
    let separator = if href.contains('?') { '&' } else { '?' };
    format!("{href}{separator}notice={code}")
}
