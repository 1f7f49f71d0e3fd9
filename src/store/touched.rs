//! What a write changed, as the write itself reports it. The Store evicts exactly this after the
//! transaction commits and before the writer's caller gets its answer.

use super::eviction::Eviction;
use crate::domain::Depth;

/// Everything a committed write may have made stale. Each write names what it changed in the
/// same closure that changed it: the write path takes `(answer, Touched)`, so a new write has to
/// state what it touched (if only `Touched::nothing()`) where the change is made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Touched {
    /// Projects changed as a whole (created, deleted): their keys, tokens and folders go.
    pub projects: Vec<String>,
    /// Environments (project id, slug) created, renamed or deleted: their folders go.
    pub environments: Vec<(String, String)>,
    /// Folders whose secrets changed.
    pub folders: Vec<FolderTouch>,
    /// Service tokens revoked or swept.
    pub tokens: Vec<String>,
    /// Users whose account changed. No cache holds users today; a future one is evicted here.
    pub users: Vec<String>,
    /// Sessions (by id hash) created or ended. No cache holds sessions today; a future one is
    /// evicted here.
    pub sessions: Vec<[u8; 32]>,
    /// Users whose project memberships changed. Memberships are read with the session on each
    /// request, so no cache holds them today; a future one is evicted here.
    pub memberships: Vec<String>,
}

/// A folder a write changed: its own secrets, or (`Depth::Recursive`) the whole subtree, as when
/// a folder is deleted recursively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderTouch {
    pub project_id: String,
    pub environment: String,
    pub path: String,
    pub depth: Depth,
}

impl Touched {
    /// A write that changed nothing any cache holds (audit rows, last-use times).
    pub fn nothing() -> Self {
        Self::default()
    }

    pub fn project(project_id: &str) -> Self {
        Self {
            projects: vec![project_id.to_owned()],
            ..Self::default()
        }
    }

    pub fn environment(project_id: &str, slug: &str) -> Self {
        Self {
            environments: vec![(project_id.to_owned(), slug.to_owned())],
            ..Self::default()
        }
    }

    /// The secrets of one folder changed.
    pub fn folder(project_id: &str, environment: &str, path: &str) -> Self {
        Self::folders_at(project_id, environment, path, Depth::OneLevel)
    }

    /// A folder and everything below it changed.
    pub fn subtree(project_id: &str, environment: &str, path: &str) -> Self {
        Self::folders_at(project_id, environment, path, Depth::Recursive)
    }

    fn folders_at(project_id: &str, environment: &str, path: &str, depth: Depth) -> Self {
        Self {
            folders: vec![FolderTouch {
                project_id: project_id.to_owned(),
                environment: environment.to_owned(),
                path: path.to_owned(),
                depth,
            }],
            ..Self::default()
        }
    }

    pub fn tokens(ids: impl IntoIterator<Item = String>) -> Self {
        Self {
            tokens: ids.into_iter().collect(),
            ..Self::default()
        }
    }

    pub fn session(id_hash: [u8; 32]) -> Self {
        Self {
            sessions: vec![id_hash],
            ..Self::default()
        }
    }

    pub fn user(user_id: &str) -> Self {
        Self {
            users: vec![user_id.to_owned()],
            ..Self::default()
        }
    }

    pub fn membership(user_id: &str) -> Self {
        Self {
            memberships: vec![user_id.to_owned()],
            ..Self::default()
        }
    }

    /// What this write makes stale, indexed for the caches' checks.
    pub(super) fn eviction(&self) -> Eviction {
        Eviction {
            everything: false,
            projects: self.projects.iter().cloned().collect(),
            environments: self.environments.clone(),
            folders: self.folders.clone(),
            tokens: self.tokens.iter().cloned().collect(),
        }
    }
}
