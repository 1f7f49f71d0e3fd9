//! One eviction: what a committed write (or an outside change) made stale, indexed so that each
//! cache checks its entries cheaply. A sweep names thousands of tokens at once: they are a set,
//! and a cache that no part of the eviction can reach is not scanned at all.

use super::touched::FolderTouch;
use crate::domain::Depth;
use std::collections::HashSet;

#[derive(Debug, Default)]
pub(super) struct Eviction {
    /// Another program changed the file: nothing cached can be trusted.
    pub(super) everything: bool,
    pub(super) projects: HashSet<String>,
    /// (project id, environment slug)
    pub(super) environments: Vec<(String, String)>,
    pub(super) folders: Vec<FolderTouch>,
    pub(super) tokens: HashSet<String>,
}

impl Eviction {
    pub(super) fn everything() -> Self {
        Self {
            everything: true,
            ..Self::default()
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        !self.everything
            && self.projects.is_empty()
            && self.environments.is_empty()
            && self.folders.is_empty()
            && self.tokens.is_empty()
    }

    /// Whether any cached folder or listing could be covered.
    pub(super) fn reaches_folders(&self) -> bool {
        self.everything
            || !self.projects.is_empty()
            || !self.environments.is_empty()
            || !self.folders.is_empty()
    }

    /// Whether any cached token record could be covered.
    pub(super) fn reaches_tokens(&self) -> bool {
        self.everything || !self.projects.is_empty() || !self.tokens.is_empty()
    }

    fn covers_environment(&self, project: &str, environment: &str) -> bool {
        self.everything
            || self.projects.contains(project)
            || self
                .environments
                .iter()
                .any(|(p, e)| p == project && e == environment)
    }

    /// Does this make the secrets of folder `(project, environment, path)` stale? A folder touch
    /// covers that folder and, with descendants, everything below it; never a sibling or parent.
    pub(super) fn covers_folder(&self, project: &str, environment: &str, path: &str) -> bool {
        self.covers_environment(project, environment)
            || self.folders.iter().any(|f| {
                f.project_id == project
                    && f.environment == environment
                    && (f.path == path || (f.depth == Depth::Recursive && is_below(path, &f.path)))
            })
    }

    /// Does this make the recursive listing of `path` (the folder and everything below it)
    /// stale? A write anywhere in that subtree does, and so does deleting an ancestor.
    pub(super) fn covers_subtree_listing(
        &self,
        project: &str,
        environment: &str,
        path: &str,
    ) -> bool {
        self.covers_environment(project, environment)
            || self.folders.iter().any(|f| {
                f.project_id == project
                    && f.environment == environment
                    && (f.path == path
                        || is_below(&f.path, path)
                        || (f.depth == Depth::Recursive && is_below(path, &f.path)))
            })
    }

    /// Does this name the project, one of its environments or one of its folders?
    pub(super) fn names_project(&self, project: &str) -> bool {
        self.everything
            || self.projects.contains(project)
            || self.environments.iter().any(|(p, _)| p == project)
            || self.folders.iter().any(|f| f.project_id == project)
    }

    /// Does this make the record of token `id` in `project` stale?
    pub(super) fn covers_token(&self, id: &str, project: &str) -> bool {
        self.everything || self.tokens.contains(id) || self.projects.contains(project)
    }

    /// Does this make the unsealed keys of `project` stale?
    pub(super) fn covers_keys(&self, project: &str) -> bool {
        self.everything || self.projects.contains(project)
    }
}

/// Whether folder `path` lies strictly below folder `ancestor` (`/` is above everything).
fn is_below(path: &str, ancestor: &str) -> bool {
    if ancestor == "/" {
        return path != "/";
    }
    path.len() > ancestor.len()
        && path.starts_with(ancestor)
        && path.as_bytes()[ancestor.len()] == b'/'
}

#[cfg(test)]
mod tests {
    use crate::store::Touched;

    #[test]
    fn a_folder_touch_covers_itself_not_its_siblings_or_parent() {
        let eviction = Touched::folder("p", "dev", "/app/db").eviction();
        assert!(eviction.covers_folder("p", "dev", "/app/db"));
        assert!(!eviction.covers_folder("p", "dev", "/app/dbx"));
        assert!(!eviction.covers_folder("p", "dev", "/app"));
        assert!(!eviction.covers_folder("p", "dev", "/app/db/x"));
        assert!(!eviction.covers_folder("p", "prod", "/app/db"));
        assert!(!eviction.covers_folder("q", "dev", "/app/db"));
    }

    #[test]
    fn a_folder_touch_covers_the_recursive_listings_of_its_ancestors_only() {
        let eviction = Touched::folder("p", "dev", "/app/db").eviction();
        assert!(eviction.covers_subtree_listing("p", "dev", "/"));
        assert!(eviction.covers_subtree_listing("p", "dev", "/app"));
        assert!(eviction.covers_subtree_listing("p", "dev", "/app/db"));
        assert!(!eviction.covers_subtree_listing("p", "dev", "/app/db/x"));
        assert!(!eviction.covers_subtree_listing("p", "dev", "/app/web"));
        assert!(!eviction.covers_subtree_listing("p", "prod", "/app"));
        let deleted = Touched::subtree("p", "dev", "/app").eviction();
        assert!(deleted.covers_subtree_listing("p", "dev", "/app/db/x"));
        assert!(!deleted.covers_subtree_listing("p", "dev", "/web"));
    }

    #[test]
    fn a_subtree_touch_covers_everything_below() {
        let eviction = Touched::subtree("p", "dev", "/app").eviction();
        assert!(eviction.covers_folder("p", "dev", "/app"));
        assert!(eviction.covers_folder("p", "dev", "/app/db/x"));
        assert!(!eviction.covers_folder("p", "dev", "/apple"));
        assert!(!eviction.covers_folder("p", "dev", "/"));
        let root = Touched::subtree("p", "dev", "/").eviction();
        assert!(root.covers_folder("p", "dev", "/"));
        assert!(root.covers_folder("p", "dev", "/any/thing"));
    }

    #[test]
    fn project_and_environment_touches_cover_their_contents_only() {
        let project = Touched::project("p").eviction();
        assert!(project.covers_folder("p", "dev", "/"));
        assert!(project.covers_token("t", "p"));
        assert!(project.covers_keys("p"));
        assert!(!project.covers_keys("q"));
        let env = Touched::environment("p", "dev").eviction();
        assert!(env.covers_folder("p", "dev", "/a"));
        assert!(!env.covers_folder("p", "prod", "/a"));
        assert!(!env.covers_token("t", "p"));
        assert!(!env.covers_keys("p"));
        assert!(!env.reaches_tokens());
    }

    #[test]
    fn a_sweep_reaches_tokens_and_not_folders() {
        let swept = Touched::tokens((0..5_000).map(|i| format!("t{i}"))).eviction();
        assert!(swept.covers_token("t4999", "p"));
        assert!(!swept.covers_token("u1", "p"));
        assert!(!swept.reaches_folders());
    }
}
