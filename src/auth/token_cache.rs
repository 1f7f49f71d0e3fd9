//! Service-token records in memory, so the hot path does no SQL for a known token.
//!
//! Tokens are immutable once minted; the only changes are revocation, project deletion and
//! expiry. Revocation and project deletion evict synchronously (before the API answers), and
//! expiry is checked on every request, so a cached record can never grant what the store would
//! refuse. The map is bounded: when full it is cleared and refills from the store.

use crate::db::tokens::TokenRow;
use crate::domain::{AllowedIps, Permissions, ScopeGlob};
use crate::time::Millis;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub const MAX_CACHED_TOKENS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Scope {
    pub environment: String,
    pub glob: ScopeGlob,
}

/// What authentication and authorisation need to know about a token.
#[derive(Debug)]
pub struct TokenRecord {
    pub id: String,
    pub project_id: String,
    pub secret_hash: Vec<u8>,
    pub permissions: Permissions,
    pub expires_at: Option<Millis>,
    pub allowed_ips: AllowedIps,
    pub scopes: Vec<Scope>,
}

impl TokenRecord {
    /// Builds the record from its stored row, which `db::tokens` has decoded in full: a row
    /// that does not decode never gets here (the token is refused instead).
    pub fn from_row(row: TokenRow) -> Self {
        Self {
            scopes: row
                .scopes
                .into_iter()
                .map(|(environment, glob)| Scope {
                    environment: environment.as_str().to_owned(),
                    glob,
                })
                .collect(),
            allowed_ips: row.allowed_ips,
            permissions: row.permissions,
            id: row.id,
            project_id: row.project_id,
            secret_hash: row.secret_hash,
            expires_at: row.expires_at,
        }
    }
}

/// `epoch` counts evictions: a record read from the store before an eviction is not cached after
/// it, so a request racing a revocation cannot put the revoked token back.
#[derive(Default)]
pub struct TokenCache {
    map: RwLock<HashMap<String, Arc<TokenRecord>>>,
    epoch: AtomicU64,
}

impl TokenCache {
    pub fn get(&self, id: &str) -> Option<Arc<TokenRecord>> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Read this before loading a record from the store, and pass it to `insert`.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn insert(&self, record: Arc<TokenRecord>, epoch_before_load: u64) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if self.epoch.load(Ordering::SeqCst) != epoch_before_load {
            return;
        }
        if map.len() >= MAX_CACHED_TOKENS {
            map.clear();
        }
        map.insert(record.id.clone(), record);
    }

    pub fn remove(&self, id: &str) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        self.epoch.fetch_add(1, Ordering::SeqCst);
        map.remove(id);
    }

    pub fn remove_project(&self, project_id: &str) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        self.epoch.fetch_add(1, Ordering::SeqCst);
        map.retain(|_, r| r.project_id != project_id);
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EnvSlug, Name};

    fn record(id: &str) -> Arc<TokenRecord> {
        Arc::new(TokenRecord::from_row(TokenRow {
            id: id.into(),
            project_id: "p".into(),
            name: Name::parse("n").unwrap(),
            secret_hash: vec![0; 32],
            encrypted_key: String::new(),
            iv: String::new(),
            tag: String::new(),
            permissions: Permissions::parse(&["read"]).unwrap(),
            expires_at: None,
            allowed_ips: AllowedIps::default(),
            created_by: "a@b.c".into(),
            created_at: 0,
            last_used_at: None,
            last_used_ip: None,
            scopes: vec![(
                EnvSlug::parse("dev").unwrap(),
                ScopeGlob::parse("/app/**").unwrap(),
            )],
        }))
    }

    #[test]
    fn a_load_that_raced_a_revocation_is_not_cached() {
        let cache = TokenCache::default();
        let seen = cache.epoch();
        cache.remove("t1");
        cache.insert(record("t1"), seen);
        assert!(cache.get("t1").is_none());
        cache.insert(record("t1"), cache.epoch());
        assert!(cache.get("t1").is_some());
        assert_eq!(cache.get("t1").unwrap().scopes[0].glob.as_str(), "/app/**");
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = TokenCache::default();
        for i in 0..(MAX_CACHED_TOKENS + 10) {
            cache.insert(record(&i.to_string()), cache.epoch());
        }
        assert!(cache.len() <= MAX_CACHED_TOKENS);
    }
}
