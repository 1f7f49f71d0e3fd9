//! What a write changed, as the write itself reports it. The Store evicts exactly this after the
//! transaction commits and before the writer's caller gets its answer.

/// Everything a committed write may have made stale. Each write names what it changed in the
/// same closure that changed it, so a new write cannot forget to evict: it cannot compile
/// without saying what it touched.
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
}

/// A folder a write changed: its own secrets, or (`with_descendants`) the whole subtree, as when
/// a folder is deleted recursively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderTouch {
    pub project_id: String,
    pub environment: String,
    pub path: String,
    pub with_descendants: bool,
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
        Self::folders_at(project_id, environment, path, false)
    }

    /// A folder and everything below it changed.
    pub fn subtree(project_id: &str, environment: &str, path: &str) -> Self {
        Self::folders_at(project_id, environment, path, true)
    }

    fn folders_at(project_id: &str, environment: &str, path: &str, with_descendants: bool) -> Self {
        Self {
            folders: vec![FolderTouch {
                project_id: project_id.to_owned(),
                environment: environment.to_owned(),
                path: path.to_owned(),
                with_descendants,
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

    /// Both this and `other`.
    pub fn and(mut self, other: Touched) -> Self {
        self.projects.extend(other.projects);
        self.environments.extend(other.environments);
        self.folders.extend(other.folders);
        self.tokens.extend(other.tokens);
        self.users.extend(other.users);
        self.sessions.extend(other.sessions);
        self
    }

    /// The cache scopes this write makes stale.
    pub(super) fn scopes(&self) -> Vec<Scope> {
        let projects = self.projects.iter().map(|p| Scope::Project(p.clone()));
        let environments = self
            .environments
            .iter()
            .map(|(p, e)| Scope::Environment(p.clone(), e.clone()));
        let folders = self.folders.iter().map(|f| Scope::Folder(f.clone()));
        let tokens = self.tokens.iter().map(|t| Scope::Token(t.clone()));
        projects
            .chain(environments)
            .chain(folders)
            .chain(tokens)
            .collect()
    }
}

/// One unit of eviction: what a cached entry is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    /// Another program changed the file: nothing cached can be trusted.
    Everything,
    Project(String),
    Environment(String, String),
    Folder(FolderTouch),
    Token(String),
}

impl Scope {
    /// Does this eviction make the folder `(project, environment, path)` stale? A folder touch
    /// covers that folder and, with descendants, everything below it; never a sibling.
    pub(super) fn covers_folder(&self, project: &str, environment: &str, path: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Project(p) => p == project,
            Scope::Environment(p, e) => p == project && e == environment,
            Scope::Folder(f) => {
                f.project_id == project
                    && f.environment == environment
                    && (f.path == path || (f.with_descendants && is_below(path, &f.path)))
            }
            Scope::Token(_) => false,
        }
    }

    /// Does this eviction make the recursive listing of `path` (the folder and everything below
    /// it) stale? A write anywhere in that subtree does, and so does deleting an ancestor.
    pub(super) fn covers_subtree_listing(
        &self,
        project: &str,
        environment: &str,
        path: &str,
    ) -> bool {
        match self {
            Scope::Folder(f) => {
                f.project_id == project
                    && f.environment == environment
                    && (f.path == path
                        || is_below(&f.path, path)
                        || (f.with_descendants && is_below(path, &f.path)))
            }
            other => other.covers_folder(project, environment, path),
        }
    }

    /// Does this eviction make the record of token `id` in `project` stale?
    pub(super) fn covers_token(&self, id: &str, project: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Project(p) => p == project,
            Scope::Token(t) => t == id,
            Scope::Environment(..) | Scope::Folder(_) => false,
        }
    }

    /// Does this eviction make the unsealed keys of `project` stale?
    pub(super) fn covers_keys(&self, project: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Project(p) => p == project,
            Scope::Environment(..) | Scope::Folder(_) | Scope::Token(_) => false,
        }
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
    use super::*;

    #[test]
    fn a_folder_touch_covers_itself_not_its_siblings_or_parent() {
        let scope = &Touched::folder("p", "dev", "/app/db").scopes()[0];
        assert!(scope.covers_folder("p", "dev", "/app/db"));
        assert!(!scope.covers_folder("p", "dev", "/app/dbx"));
        assert!(!scope.covers_folder("p", "dev", "/app"));
        assert!(!scope.covers_folder("p", "dev", "/app/db/x"));
        assert!(!scope.covers_folder("p", "prod", "/app/db"));
        assert!(!scope.covers_folder("q", "dev", "/app/db"));
    }

    #[test]
    fn a_folder_touch_covers_the_recursive_listings_of_its_ancestors_only() {
        let scope = &Touched::folder("p", "dev", "/app/db").scopes()[0];
        assert!(scope.covers_subtree_listing("p", "dev", "/"));
        assert!(scope.covers_subtree_listing("p", "dev", "/app"));
        assert!(scope.covers_subtree_listing("p", "dev", "/app/db"));
        assert!(!scope.covers_subtree_listing("p", "dev", "/app/db/x"));
        assert!(!scope.covers_subtree_listing("p", "dev", "/app/web"));
        assert!(!scope.covers_subtree_listing("p", "prod", "/app"));
        let deleted = &Touched::subtree("p", "dev", "/app").scopes()[0];
        assert!(deleted.covers_subtree_listing("p", "dev", "/app/db/x"));
        assert!(!deleted.covers_subtree_listing("p", "dev", "/web"));
    }

    #[test]
    fn a_subtree_touch_covers_everything_below() {
        let scope = &Touched::subtree("p", "dev", "/app").scopes()[0];
        assert!(scope.covers_folder("p", "dev", "/app"));
        assert!(scope.covers_folder("p", "dev", "/app/db/x"));
        assert!(!scope.covers_folder("p", "dev", "/apple"));
        assert!(!scope.covers_folder("p", "dev", "/"));
        let root = &Touched::subtree("p", "dev", "/").scopes()[0];
        assert!(root.covers_folder("p", "dev", "/"));
        assert!(root.covers_folder("p", "dev", "/any/thing"));
    }

    #[test]
    fn project_and_environment_touches_cover_their_contents_only() {
        let project = &Touched::project("p").scopes()[0];
        assert!(project.covers_folder("p", "dev", "/"));
        assert!(project.covers_token("t", "p"));
        assert!(project.covers_keys("p"));
        assert!(!project.covers_keys("q"));
        let env = &Touched::environment("p", "dev").scopes()[0];
        assert!(env.covers_folder("p", "dev", "/a"));
        assert!(!env.covers_folder("p", "prod", "/a"));
        assert!(!env.covers_token("t", "p"));
        assert!(!env.covers_keys("p"));
    }
}
