//! What every page inside a project shares: loading the project (404 page when missing) and the
//! notices that follow a redirect (`?notice=…`, fixed codes so a link cannot inject text).

use super::pages::{ProjectNav, UiResult};
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use serde::Deserialize;

pub async fn load(state: &AppState, project_id: &str) -> UiResult<ProjectView> {
    Ok(projects::get(&state.store, project_id).await?)
}

pub fn nav(project: &ProjectView, section: &'static str) -> ProjectNav {
    ProjectNav {
        id: project.id.clone(),
        name: project.name.clone(),
        section,
    }
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

impl NoticeQuery {
    pub fn text(&self) -> Option<&'static str> {
        Some(match self.notice.as_deref()? {
            "project-created" => {
                "Project created with the environments Development, Staging and Production."
            }
            "project-deleted" => "Project deleted.",
            "secret-added" => "Secret added.",
            "secret-saved" => "Secret saved.",
            "secret-deleted" => "Secret deleted.",
            "folder-created" => "Folder created.",
            "token-revoked" => "Service token revoked. It no longer works.",
            "env-added" => "Environment added.",
            "env-renamed" => "Environment renamed.",
            "env-moved" => "Environment order saved.",
            "env-deleted" => "Environment deleted.",
            _ => return None,
        })
    }
}
