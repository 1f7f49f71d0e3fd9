//! Decrypted folder contents in memory (DESIGN §4), so that reading a folder again costs no SQL
//! and no decryption.
//!
//! Staleness is ruled out by construction rather than by remembering to evict: every entry is
//! stamped with the store's write generation ([`Db::generation`]) read *before* its rows were
//! loaded, and is served only while the generation is unchanged. The store bumps the generation
//! after any statement that changed a row commits, before the writer's caller gets its answer,
//! so once a write (secret, folder, environment or project change, revoke, sweep) has been
//! answered, no entry loaded before it is served again. A write anywhere drops everything,
//! which keeps this correct for use cases written later, at the price of a refill after writes.
//!
//! Bounded: at most [`MAX_FOLDERS`] entries and [`MAX_BYTES`] of contents; a folder with more
//! than [`MAX_FOLDER_ROWS`] secrets is never cached. Values are wiped from memory when an entry
//! is dropped. Writes by another program (a `sqlite3` shell) bypass all this; the health probe
//! notices them through SQLite's `data_version` and bumps the generation within a second.
//!
//! [`Db::generation`]: crate::db::Db::generation

use super::views::{SecretList, SecretView};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use zeroize::Zeroize;

pub const MAX_FOLDERS: usize = 1_024;
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_FOLDER_ROWS: usize = 1_000;

/// The response bodies a folder listing is served as; each is rendered on first use and kept
/// with the folder (escaping the same strings into JSON on every request was a tenth of a
/// read's CPU). The routes own the shapes; this only names the slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// The native API's `{"secrets": [...]}`.
    Native,
    /// Infisical's `/api/v3/secrets/raw` listing, values shown.
    InfisicalRaw,
    /// The same with values hidden (`viewSecretValue=false`).
    InfisicalRawHidden,
}

const RENDERINGS: usize = 3;

/// One folder's secrets, ordered by key as the store returns them, and their renderings.
pub struct CachedFolder {
    secrets: Vec<SecretView>,
    renderings: [OnceLock<String>; RENDERINGS],
    /// Views plus room for their renderings (each about one to two times their size).
    bytes: usize,
}

impl CachedFolder {
    pub fn new(secrets: Vec<SecretView>) -> Self {
        let bytes = 5 * secrets.iter().map(approximate_size).sum::<usize>();
        Self {
            secrets,
            renderings: Default::default(),
            bytes,
        }
    }

    pub fn secrets(&self) -> &[SecretView] {
        &self.secrets
    }

    /// The body `which`, made by `render` the first time it is asked for.
    pub fn rendered(
        &self,
        which: Rendering,
        render: impl FnOnce(&[SecretView]) -> Result<String, serde_json::Error>,
    ) -> Result<&str, serde_json::Error> {
        let slot = &self.renderings[which as usize];
        if let Some(done) = slot.get() {
            return Ok(done);
        }
        let text = render(&self.secrets)?;
        Ok(slot.get_or_init(|| text))
    }

    /// The native API's `{"secrets": [...]}` body.
    pub fn json(&self) -> Result<&str, serde_json::Error> {
        self.rendered(Rendering::Native, |secrets| {
            serde_json::to_string(&SecretList { secrets })
        })
    }

    /// The secret named `key` (binary search: keys are unique and sorted bytewise).
    pub fn find(&self, key: &str) -> Option<&SecretView> {
        self.secrets
            .binary_search_by(|s| s.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.secrets[i])
    }
}

impl Drop for CachedFolder {
    fn drop(&mut self) {
        for rendering in &mut self.renderings {
            if let Some(text) = rendering.get_mut() {
                text.zeroize();
            }
        }
        for secret in &mut self.secrets {
            secret.value.zeroize();
            secret.comment.zeroize();
        }
    }
}

fn approximate_size(s: &SecretView) -> usize {
    const STRING_HEADERS: usize = 8 * std::mem::size_of::<String>();
    STRING_HEADERS
        + s.id.len()
        + s.key.len()
        + s.value.len()
        + s.comment.len()
        + s.environment.len()
        + s.path.len()
        + s.created_at.len()
        + s.updated_at.len()
}

/// Cache key: project, environment slug and folder path (ids, slugs and paths hold no NUL).
pub fn key(project_id: &str, environment: &str, path: &str) -> String {
    let mut key = String::with_capacity(project_id.len() + environment.len() + path.len() + 2);
    key.push_str(project_id);
    key.push('\0');
    key.push_str(environment);
    key.push('\0');
    key.push_str(path);
    key
}

#[derive(Default)]
struct Entries {
    /// The write generation every entry in `map` was loaded at.
    generation: u64,
    map: HashMap<String, Arc<CachedFolder>>,
    bytes: usize,
}

#[derive(Default)]
pub struct FolderCache {
    entries: RwLock<Entries>,
}

impl FolderCache {
    /// The folder, if it was loaded at the store's current write generation.
    pub fn get(&self, key: &str, current_generation: u64) -> Option<Arc<CachedFolder>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        if entries.generation != current_generation {
            return None;
        }
        entries.map.get(key).cloned()
    }

    /// Keeps `folder`, loaded from the store after `generation_before_load` was read, unless a
    /// write happened meanwhile (`current_generation` differs) or it is too large.
    pub fn insert(
        &self,
        key: String,
        folder: Arc<CachedFolder>,
        generation_before_load: u64,
        current_generation: u64,
    ) {
        if generation_before_load != current_generation
            || folder.secrets.len() > MAX_FOLDER_ROWS
            || folder.bytes > MAX_BYTES / 4
        {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.generation != current_generation
            || entries.map.len() >= MAX_FOLDERS
            || entries.bytes + folder.bytes > MAX_BYTES
        {
            *entries = Entries {
                generation: current_generation,
                ..Entries::default()
            };
        }
        entries.bytes += folder.bytes;
        if let Some(replaced) = entries.map.insert(key, folder) {
            entries.bytes -= replaced.bytes;
        }
    }

    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(key: &str, value: &str) -> SecretView {
        SecretView {
            id: format!("id-{key}"),
            key: key.into(),
            value: value.into(),
            comment: String::new(),
            version: 1,
            environment: "dev".into(),
            path: "/app".into(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn folder(keys: &[&str]) -> Arc<CachedFolder> {
        Arc::new(CachedFolder::new(
            keys.iter().map(|k| view(k, "v")).collect(),
        ))
    }

    #[test]
    fn an_entry_is_served_only_at_the_generation_it_was_loaded_at() {
        let cache = FolderCache::default();
        cache.insert(key("p", "dev", "/app"), folder(&["A"]), 7, 7);
        assert!(cache.get(&key("p", "dev", "/app"), 7).is_some());
        assert!(cache.get(&key("p", "dev", "/app"), 8).is_none());
        assert!(cache.get(&key("p", "prod", "/app"), 7).is_none());
    }

    #[test]
    fn a_load_that_raced_a_write_is_not_kept() {
        let cache = FolderCache::default();
        cache.insert(key("p", "dev", "/app"), folder(&["A"]), 7, 8);
        assert!(cache.get(&key("p", "dev", "/app"), 8).is_none());
        assert!(cache.is_empty());
    }

    #[test]
    fn a_newer_generation_drops_every_older_entry() {
        let cache = FolderCache::default();
        cache.insert(key("p", "dev", "/a"), folder(&["A"]), 1, 1);
        cache.insert(key("p", "dev", "/b"), folder(&["B"]), 2, 2);
        assert_eq!(cache.len(), 1);
        assert!(cache.get(&key("p", "dev", "/b"), 2).is_some());
    }

    #[test]
    fn the_cache_is_bounded_in_entries_and_rows() {
        let cache = FolderCache::default();
        for i in 0..(MAX_FOLDERS + 10) {
            cache.insert(key("p", "dev", &format!("/f{i}")), folder(&["A"]), 1, 1);
        }
        assert!(cache.len() <= MAX_FOLDERS);
        let huge: Vec<String> = (0..=MAX_FOLDER_ROWS).map(|i| format!("K{i:05}")).collect();
        let huge: Vec<&str> = huge.iter().map(String::as_str).collect();
        cache.insert(key("p", "dev", "/huge"), folder(&huge), 1, 1);
        assert!(cache.get(&key("p", "dev", "/huge"), 1).is_none());
    }

    #[test]
    fn the_cache_is_bounded_in_bytes() {
        let cache = FolderCache::default();
        let big = "x".repeat(60_000);
        for i in 0..400 {
            let entry = Arc::new(CachedFolder::new(
                (0..10).map(|k| view(&format!("K{k}"), &big)).collect(),
            ));
            cache.insert(key("p", "dev", &format!("/f{i}")), entry, 1, 1);
            assert!(cache.entries.read().unwrap().bytes <= MAX_BYTES);
        }
    }

    #[test]
    fn the_rendering_is_the_list_body() {
        let entry = folder(&["A", "B"]);
        let json: serde_json::Value = serde_json::from_str(entry.json().unwrap()).unwrap();
        assert_eq!(json["secrets"][1]["key"], "B");
        assert_eq!(json["secrets"][0]["value"], "v");
        assert!(std::ptr::eq(entry.json().unwrap(), entry.json().unwrap()));
        let other = entry
            .rendered(Rendering::InfisicalRaw, |s| {
                Ok(format!("{} secrets", s.len()))
            })
            .unwrap();
        assert_eq!(other, "2 secrets", "each rendering has its own slot");
    }

    #[test]
    fn find_uses_the_key_order() {
        let entry = folder(&["A", "B_1", "C", "a"]);
        assert_eq!(entry.find("C").unwrap().key, "C");
        assert_eq!(entry.find("a").unwrap().key, "a");
        assert!(entry.find("B").is_none());
    }
}
