//! Decrypted folder contents in memory (DESIGN §8), so that reading a folder again costs no SQL
//! and no decryption.
//!
//! Entries are dropped only by the Store's eviction (after a write that touched the folder, its
//! environment or its project, or when another program changed the file); a fill that raced such
//! a write keeps nothing (see `evictions`). A write in one folder leaves every other folder cached.
//!
//! Bounded: at most [`MAX_FOLDERS`] entries and [`MAX_BYTES`] of contents; a folder with more
//! than [`MAX_FOLDER_ROWS`] secrets is never cached. Values are wiped from memory when an entry
//! is dropped.

use super::decrypted::CachedFolder;
use super::eviction::Eviction;
use super::evictions::{Evictions, Stamp};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub const MAX_FOLDERS: usize = 1_024;
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_FOLDER_ROWS: usize = 1_000;

/// Whether a folder (or subtree) of `secrets` secrets whose ciphertexts take `sealed_bytes` is
/// small enough to keep, decided from its size before it is read (a decrypted secret takes about
/// its sealed size plus its ids, path and times); [`FolderCache`] checks the decrypted folder again.
pub fn small_enough_to_keep(secrets: u64, sealed_bytes: u64) -> bool {
    let content = sealed_bytes.saturating_add(secrets.saturating_mul(256));
    secrets <= MAX_FOLDER_ROWS as u64 && content.saturating_mul(5) <= (MAX_BYTES / 4) as u64
}

/// Cache key of one folder's secrets: project, environment slug and folder path (ids, slugs and
/// paths hold no NUL).
pub fn folder_key(project_id: &str, environment: &str, path: &str) -> String {
    let mut key = String::with_capacity(project_id.len() + environment.len() + path.len() + 2);
    key.push_str(project_id);
    key.push('\0');
    key.push_str(environment);
    key.push('\0');
    key.push_str(path);
    key
}

/// Cache key of a recursive listing: the folder's secrets and those of every folder below it.
pub fn subtree_key(project_id: &str, environment: &str, path: &str) -> String {
    let mut key = folder_key(project_id, environment, path);
    key.push_str(SUBTREE_MARK);
    key
}

const SUBTREE_MARK: &str = "\0**";

/// Whether the entry under `key` is made stale by `eviction`.
fn stale(key: &str, eviction: &Eviction) -> bool {
    let (key, recursive) = match key.strip_suffix(SUBTREE_MARK) {
        Some(folder) => (folder, true),
        None => (key, false),
    };
    let mut parts = key.splitn(3, '\0');
    let mut next = || parts.next().unwrap_or("");
    let (project, environment, path) = (next(), next(), next());
    if recursive {
        eviction.covers_subtree_listing(project, environment, path)
    } else {
        eviction.covers_folder(project, environment, path)
    }
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Arc<CachedFolder>>,
    bytes: usize,
}

#[derive(Default)]
pub(super) struct FolderCache {
    entries: RwLock<Entries>,
}

impl FolderCache {
    pub(super) fn get(&self, key: &str) -> Option<Arc<CachedFolder>> {
        self.entries
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .get(key)
            .cloned()
    }

    /// Keeps `folder`, loaded after `stamp` was taken, unless an eviction since then covers it
    /// or it is too large; returns whether it did. When full, the cache starts again empty.
    pub(super) fn insert(
        &self,
        key: String,
        folder: Arc<CachedFolder>,
        stamp: Stamp,
        evictions: &Evictions,
    ) -> bool {
        if folder.secrets.len() > MAX_FOLDER_ROWS || folder.bytes > MAX_BYTES / 4 {
            return false;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if !evictions.none_since(stamp, |eviction| stale(&key, eviction)) {
            return false;
        }
        if entries.map.len() >= MAX_FOLDERS || entries.bytes + folder.bytes > MAX_BYTES {
            *entries = Entries::default();
        }
        entries.bytes += folder.bytes;
        if let Some(replaced) = entries.map.insert(key, folder) {
            entries.bytes -= replaced.bytes;
        }
        true
    }

    pub(super) fn evict(&self, eviction: &Eviction) {
        if !eviction.reaches_folders() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if eviction.everything {
            *entries = Entries::default();
            return;
        }
        let mut freed = 0;
        entries.map.retain(|key, folder| {
            let dropped = stale(key, eviction);
            if dropped {
                freed += folder.bytes;
            }
            !dropped
        });
        entries.bytes -= freed;
    }

    pub(super) fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::decrypted::tests::{folder, view};

    /// Fills `key` with a folder of these keys, with no write racing the fill.
    fn keep(cache: &FolderCache, log: &Evictions, key: String, keys: &[&str]) {
        cache.insert(key, folder(keys), log.stamp(), log);
    }

    #[test]
    fn a_folder_write_evicts_that_folder_only() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        keep(&cache, &log, folder_key("p", "dev", "/app"), &["A"]);
        keep(&cache, &log, folder_key("p", "dev", "/app/db"), &["B"]);
        keep(&cache, &log, folder_key("q", "dev", "/app"), &["C"]);
        let eviction = Arc::new(crate::store::Touched::folder("p", "dev", "/app").eviction());
        log.announce(eviction.clone());
        cache.evict(&eviction);
        assert!(cache.get(&folder_key("p", "dev", "/app")).is_none());
        assert!(
            cache.get(&folder_key("p", "dev", "/app/db")).is_some(),
            "a child"
        );
        assert!(
            cache.get(&folder_key("q", "dev", "/app")).is_some(),
            "another project"
        );
    }

    #[test]
    fn a_folder_write_evicts_the_recursive_listings_that_contain_it() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        keep(&cache, &log, subtree_key("p", "dev", "/"), &["A"]);
        keep(&cache, &log, subtree_key("p", "dev", "/app"), &["B"]);
        keep(&cache, &log, subtree_key("p", "dev", "/web"), &["C"]);
        keep(&cache, &log, folder_key("p", "dev", "/app"), &["D"]);
        cache.evict(&crate::store::Touched::folder("p", "dev", "/app/db").eviction());
        assert!(cache.get(&subtree_key("p", "dev", "/")).is_none());
        assert!(cache.get(&subtree_key("p", "dev", "/app")).is_none());
        assert!(cache.get(&subtree_key("p", "dev", "/web")).is_some());
        assert!(
            cache.get(&folder_key("p", "dev", "/app")).is_some(),
            "the parent's own secrets"
        );
    }

    #[test]
    fn a_load_that_raced_a_covering_write_is_not_kept() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        let stamp = log.stamp();
        let eviction = Arc::new(crate::store::Touched::project("p").eviction());
        log.announce(eviction.clone());
        cache.evict(&eviction);
        cache.insert(folder_key("p", "dev", "/app"), folder(&["A"]), stamp, &log);
        assert!(cache.get(&folder_key("p", "dev", "/app")).is_none());
        cache.insert(folder_key("q", "dev", "/app"), folder(&["A"]), stamp, &log);
        assert!(
            cache.get(&folder_key("q", "dev", "/app")).is_some(),
            "not covered"
        );
    }

    #[test]
    fn an_outside_change_evicts_everything() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        keep(&cache, &log, folder_key("p", "dev", "/a"), &["A"]);
        keep(&cache, &log, folder_key("q", "prod", "/b"), &["B"]);
        cache.evict(&Eviction::everything());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_cache_is_bounded_in_entries_and_rows() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        for i in 0..(MAX_FOLDERS + 10) {
            keep(
                &cache,
                &log,
                folder_key("p", "dev", &format!("/f{i}")),
                &["A"],
            );
        }
        assert!(cache.len() <= MAX_FOLDERS);
        let huge: Vec<String> = (0..=MAX_FOLDER_ROWS).map(|i| format!("K{i:05}")).collect();
        let huge: Vec<&str> = huge.iter().map(String::as_str).collect();
        keep(&cache, &log, folder_key("p", "dev", "/huge"), &huge);
        assert!(cache.get(&folder_key("p", "dev", "/huge")).is_none());
    }

    #[test]
    fn the_cache_is_bounded_in_bytes() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        let big = "x".repeat(60_000);
        for i in 0..400 {
            let entry = Arc::new(CachedFolder::new(
                (0..10).map(|k| view(&format!("K{k}"), &big)).collect(),
                log.stamp(),
            ));
            let key = folder_key("p", "dev", &format!("/f{i}"));
            cache.insert(key, entry, log.stamp(), &log);
            assert!(cache.entries.read().unwrap().bytes <= MAX_BYTES);
        }
    }
}
