//! Parsing `environment`, `path` and `recursive` from a query string or a body (native and
//! Infisical routes alike).

use crate::domain::{Depth, EnvSlug, SecretPath};
use crate::error::{AppError, AppResult};
use crate::routes::extract::truthy;
use crate::service::secrets::Location;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocationQuery {
    /// Environment slug (required).
    pub environment: Option<String>,
    /// Folder path; defaults to `/`.
    pub path: Option<String>,
    /// `true` to include every folder below.
    pub recursive: Option<String>,
}

/// An environment named in a query: missing → 400; a slug that cannot exist → 404.
pub fn environment_from_query(raw: Option<&str>) -> AppResult<EnvSlug> {
    let raw = raw.ok_or_else(|| {
        AppError::BadRequest(String::from(
            "The 'environment' query parameter is required",
        ))
    })?;
    EnvSlug::parse(raw).map_err(|_| {
        AppError::NotFound(format!(
            "Environment '{}' was not found",
            crate::domain::names::truncate_for_message(raw)
        ))
    })
}

/// A folder path from a query or body field; defaults to `/`.
pub fn path_field(field: &str, raw: Option<&str>) -> AppResult<SecretPath> {
    SecretPath::parse_or_root(raw).map_err(|e| AppError::validation(field, e.0))
}

impl LocationQuery {
    pub fn location(&self, project_id: &str) -> AppResult<Location> {
        Ok(Location {
            project_id: project_id.to_owned(),
            environment: environment_from_query(self.environment.as_deref())?,
            path: path_field("path", self.path.as_deref())?,
        })
    }

    pub fn depth(&self) -> Depth {
        Depth::recursive_if(truthy(self.recursive.as_deref()))
    }
}
