//! Each project's secret imports in memory, so a read that includes imports (the Python SDK asks
//! for them on every list) costs no SQL for them. A project's entry is dropped by any eviction
//! that names the project, one of its environments or one of its folders: imports change only
//! through writes that touch their importing folder, and deleting a folder or an environment
//! (which takes its imports along) touches it too.

use super::eviction::Eviction;
use super::evictions::{Evictions, Stamp};
use crate::db::secret_imports::ImportRow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

const MAX_PROJECTS: usize = 256;
/// A project with more imports than this is read from the database each time.
const MAX_ROWS: usize = 10_000;

/// One project's imports, ordered by importing environment, path and position.
#[derive(Debug, Default)]
pub struct ImportGraph {
    rows: Vec<ImportRow>,
}

impl ImportGraph {
    pub fn new(rows: Vec<ImportRow>) -> Self {
        Self { rows }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The imports of one folder, by position.
    pub fn of<'a>(
        &'a self,
        environment: &'a str,
        path: &'a str,
    ) -> impl Iterator<Item = &'a ImportRow> {
        self.rows
            .iter()
            .filter(move |r| r.environment == environment && r.path == path)
    }

    pub fn all(&self) -> &[ImportRow] {
        &self.rows
    }
}

#[derive(Default)]
pub(super) struct ImportCache {
    map: RwLock<HashMap<String, Arc<ImportGraph>>>,
}

impl ImportCache {
    pub(super) fn get(&self, project: &str) -> Option<Arc<ImportGraph>> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(project)
            .cloned()
    }

    pub(super) fn insert(
        &self,
        project: &str,
        graph: Arc<ImportGraph>,
        stamp: Stamp,
        evictions: &Evictions,
    ) {
        if graph.rows.len() > MAX_ROWS {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if !evictions.none_since(stamp, |e| e.names_project(project)) {
            return;
        }
        if map.len() >= MAX_PROJECTS {
            map.clear();
        }
        map.insert(project.to_owned(), graph);
    }

    pub(super) fn evict(&self, eviction: &Eviction) {
        if !eviction.reaches_folders() {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        map.retain(|project, _| !eviction.names_project(project));
    }
}
