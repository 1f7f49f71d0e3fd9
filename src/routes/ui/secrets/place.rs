//! Where a secrets page points: the project, environment and folder named by the URL
//! (`/projects/{projectId}/secrets/{env}`) and a `path` from the query or the form, and for the
//! pages of one secret its `key`. Anything unknown or invalid is a 404 page, not an error.

use crate::auth::AdminSession;
use crate::domain::{EnvSlug, SecretKey, SecretPath};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::form::FormData;
use crate::routes::ui::urls;
use crate::service::projects;
use crate::service::secrets::Location;
use crate::service::views::ProjectView;
use crate::state::AppState;
use serde::Deserialize;

/// A folder of one environment of a project.
pub struct Place {
    pub project: ProjectView,
    pub env_name: String,
    pub at: Location,
}

impl Place {
    /// `ids` are the URL's project id and environment slug; `path` is the folder (root if absent).
    pub async fn load(
        state: &AppState,
        session: &AdminSession,
        (project_id, env): (String, String),
        path: Option<&str>,
    ) -> UiResult<Self> {
        let project = projects::get(&state.store, session, &project_id).await?;
        let path = folder_path(path)?;
        // Looked up in the project first, so any slug it lacks (even a malformed one) is a 404
        // that names the environment.
        let env_name = project.environment(&env)?.name.clone();
        let environment = EnvSlug::parse(&env).map_err(|e| AppError::NotFound(e.0))?;
        Ok(Place {
            at: Location {
                project_id: project.id.clone(),
                environment,
                path,
            },
            project,
            env_name,
        })
    }

    pub fn env(&self) -> &str {
        self.at.environment.as_str()
    }

    pub fn path(&self) -> &str {
        self.at.path.as_str()
    }

    /// This folder in the secrets browser.
    pub fn href(&self) -> String {
        urls::secrets(&self.project.id, self.env(), self.path())
    }
}

/// The folder in `?path=` (or the form's `path`); an invalid path is a 404 like a missing one.
fn folder_path(raw: Option<&str>) -> UiResult<SecretPath> {
    match raw {
        None | Some("") => Ok(SecretPath::root()),
        Some(raw) => SecretPath::parse(raw)
            .map_err(|e| AppError::NotFound(format!("No such folder: {}", e.0)).into()),
    }
}

/// One secret: its folder and key (`?path=…&key=…` on a page, the same fields in its form).
pub struct Item {
    pub place: Place,
    pub key: SecretKey,
}

#[derive(Deserialize)]
pub struct ItemQuery {
    path: Option<String>,
    key: Option<String>,
}

impl Item {
    pub async fn from_query(
        state: &AppState,
        session: &AdminSession,
        ids: (String, String),
        query: &ItemQuery,
    ) -> UiResult<Self> {
        let (path, key) = (query.path.as_deref(), query.key.as_deref());
        Self::load(state, session, ids, path, key).await
    }

    pub async fn from_form(
        state: &AppState,
        session: &AdminSession,
        ids: (String, String),
        form: &FormData,
    ) -> UiResult<Self> {
        Self::load(state, session, ids, form.get("path"), form.get("key")).await
    }

    async fn load(
        state: &AppState,
        session: &AdminSession,
        ids: (String, String),
        path: Option<&str>,
        key: Option<&str>,
    ) -> UiResult<Self> {
        let place = Place::load(state, session, ids, path).await?;
        let key = SecretKey::parse(key.unwrap_or(""))
            .map_err(|e| AppError::NotFound(format!("No such secret: {}", e.0)))?;
        Ok(Item { place, key })
    }
}
