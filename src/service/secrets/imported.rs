//! The `imports` part of a read: one entry per import of the listed folder (of each listed
//! folder, for a recursive listing), in position order. An entry holds the imported folder's
//! secrets, then, depth first, those of the folders it imports in turn, [`MAX_DEPTH`] levels
//! deep, each folder at most once per entry (so cycles end). Everything goes through the
//! caller's read access: an entry whose folder the caller may not read is left out altogether,
//! and a nested folder it may not read adds nothing.

use super::reads::{FolderId, Reads, Slot};
use crate::error::AppResult;
use crate::service::views::SecretView;
use crate::store::ImportGraph;
use std::collections::HashSet;

/// Import levels followed (Infisical's `LEVEL_BREAK`).
pub const MAX_DEPTH: usize = 10;

/// One imported folder with what it brings.
#[derive(Debug, Clone)]
pub struct ImportEntry {
    pub environment: String,
    pub path: String,
    /// The imported folder's id (`""` if it is gone).
    pub folder_id: String,
    pub secrets: Vec<SecretView>,
}

impl ImportEntry {
    /// The entry's secret named `key`: the first one, so the imported folder's own beats what
    /// it imports in turn.
    pub fn find(&self, key: &str) -> Option<&SecretView> {
        self.secrets.iter().find(|s| s.key == key)
    }
}

/// The entries for the folders `importers` (in that order), as this caller may read them.
pub async fn entries(
    reads: &mut Reads<'_>,
    graph: &ImportGraph,
    importers: &[FolderId],
) -> AppResult<Vec<ImportEntry>> {
    let mut out = Vec::new();
    for importer in importers {
        let direct: Vec<_> = graph.of(&importer.0, &importer.1).cloned().collect();
        for row in direct {
            let source = (row.import_environment.clone(), row.import_path.clone());
            let Slot::Found { folder, .. } = reads.read(&source).await? else {
                continue;
            };
            let mut entry = ImportEntry {
                environment: row.import_environment,
                path: row.import_path,
                folder_id: row.import_folder_id.unwrap_or_default(),
                secrets: folder.secrets().to_vec(),
            };
            let visited = HashSet::from([importer.clone(), source.clone()]);
            nested(reads, graph, source, visited, &mut entry.secrets).await?;
            out.push(entry);
        }
    }
    Ok(out)
}

/// Appends what `source` imports, depth first in position order.
async fn nested(
    reads: &mut Reads<'_>,
    graph: &ImportGraph,
    source: FolderId,
    mut visited: HashSet<FolderId>,
    secrets: &mut Vec<SecretView>,
) -> AppResult<()> {
    let children = |folder: &FolderId, level: usize| -> Vec<(FolderId, usize)> {
        let mut found: Vec<(FolderId, usize)> = graph
            .of(&folder.0, &folder.1)
            .map(|r| ((r.import_environment.clone(), r.import_path.clone()), level))
            .collect();
        found.reverse();
        found
    };
    // Level 1 is the direct import; its own imports are level 2.
    let mut stack = children(&source, 2);
    while let Some((folder, level)) = stack.pop() {
        if level > MAX_DEPTH || !visited.insert(folder.clone()) {
            continue;
        }
        if let Slot::Found { folder: found, .. } = reads.read(&folder).await? {
            secrets.extend(found.secrets().iter().cloned());
            stack.extend(children(&folder, level + 1));
        }
    }
    Ok(())
}
