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

use super::evictions::{Evictions, Stamp};
use super::touched::Scope;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use zeroize::Zeroize;

pub const MAX_FOLDERS: usize = 1_024;
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_FOLDER_ROWS: usize = 1_000;

/// One decrypted secret as the native API shows it (camelCase, RFC 3339 times).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretView {
    pub id: String,
    pub key: String,
    pub value: String,
    pub comment: String,
    pub version: i64,
    pub environment: String,
    pub path: String,
    pub created_at: String,
    pub updated_at: String,
}

/// `{"secrets": [...]}`, serialised straight from borrowed views (`json!` would first copy every
/// string into a `Value` tree).
#[derive(Debug, Serialize)]
pub struct SecretList<'a> {
    pub secrets: &'a [SecretView],
}

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

/// Whether the entry under `key` is made stale by the eviction `scope`.
fn stale(key: &str, scope: &Scope) -> bool {
    let (key, recursive) = match key.strip_suffix(SUBTREE_MARK) {
        Some(folder) => (folder, true),
        None => (key, false),
    };
    let mut parts = key.splitn(3, '\0');
    let mut next = || parts.next().unwrap_or("");
    let (project, environment, path) = (next(), next(), next());
    if recursive {
        scope.covers_subtree_listing(project, environment, path)
    } else {
        scope.covers_folder(project, environment, path)
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
    /// or it is too large. When full, the cache starts again empty.
    pub(super) fn insert(
        &self,
        key: String,
        folder: Arc<CachedFolder>,
        stamp: Stamp,
        evictions: &Evictions,
    ) {
        if folder.secrets.len() > MAX_FOLDER_ROWS || folder.bytes > MAX_BYTES / 4 {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if !evictions.none_since(stamp, |scope| stale(&key, scope)) {
            return;
        }
        if entries.map.len() >= MAX_FOLDERS || entries.bytes + folder.bytes > MAX_BYTES {
            *entries = Entries::default();
        }
        entries.bytes += folder.bytes;
        if let Some(replaced) = entries.map.insert(key, folder) {
            entries.bytes -= replaced.bytes;
        }
    }

    pub(super) fn evict(&self, scopes: &[Scope]) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if scopes.contains(&Scope::Everything) {
            *entries = Entries::default();
            return;
        }
        let mut freed = 0;
        entries.map.retain(|key, folder| {
            let dropped = scopes.iter().any(|scope| stale(key, scope));
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

    fn keep(cache: &FolderCache, log: &Evictions, key: String, entry: Arc<CachedFolder>) {
        cache.insert(key, entry, log.stamp(), log);
    }

    #[test]
    fn a_folder_write_evicts_that_folder_only() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        keep(&cache, &log, folder_key("p", "dev", "/app"), folder(&["A"]));
        keep(
            &cache,
            &log,
            folder_key("p", "dev", "/app/db"),
            folder(&["B"]),
        );
        keep(&cache, &log, folder_key("q", "dev", "/app"), folder(&["C"]));
        let scopes = crate::store::Touched::folder("p", "dev", "/app").scopes();
        log.announce(&scopes);
        cache.evict(&scopes);
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
        keep(&cache, &log, subtree_key("p", "dev", "/"), folder(&["A"]));
        keep(
            &cache,
            &log,
            subtree_key("p", "dev", "/app"),
            folder(&["B"]),
        );
        keep(
            &cache,
            &log,
            subtree_key("p", "dev", "/web"),
            folder(&["C"]),
        );
        keep(&cache, &log, folder_key("p", "dev", "/app"), folder(&["D"]));
        let scopes = crate::store::Touched::folder("p", "dev", "/app/db").scopes();
        cache.evict(&scopes);
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
        let scopes = crate::store::Touched::project("p").scopes();
        log.announce(&scopes);
        cache.evict(&scopes);
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
        keep(&cache, &log, folder_key("p", "dev", "/a"), folder(&["A"]));
        keep(&cache, &log, folder_key("q", "prod", "/b"), folder(&["B"]));
        cache.evict(&[Scope::Everything]);
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
                folder(&["A"]),
            );
        }
        assert!(cache.len() <= MAX_FOLDERS);
        let huge: Vec<String> = (0..=MAX_FOLDER_ROWS).map(|i| format!("K{i:05}")).collect();
        let huge: Vec<&str> = huge.iter().map(String::as_str).collect();
        keep(&cache, &log, folder_key("p", "dev", "/huge"), folder(&huge));
        assert!(cache.get(&folder_key("p", "dev", "/huge")).is_none());
    }

    #[test]
    fn the_cache_is_bounded_in_bytes() {
        let (cache, log) = (FolderCache::default(), Evictions::default());
        let big = "x".repeat(60_000);
        for i in 0..400 {
            let entry = Arc::new(CachedFolder::new(
                (0..10).map(|k| view(&format!("K{k}"), &big)).collect(),
            ));
            keep(
                &cache,
                &log,
                folder_key("p", "dev", &format!("/f{i}")),
                entry,
            );
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
