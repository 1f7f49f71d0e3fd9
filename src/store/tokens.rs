//! Service-token records in memory, so the hot path does no SQL for a known token.
//!
//! Tokens are immutable once minted; the only changes are revocation, sweeping, project deletion
//! and expiry. The first three are writes that name the token or project in their `Touched`, so
//! the Store evicts the record before the write is answered; expiry is checked on every request.
//! A cached record therefore never grants what the database would refuse. The map is bounded:
//! when full it is cleared and refills from the database.

use super::eviction::Eviction;
use super::evictions::{Evictions, Stamp};
use crate::db::tokens::TokenRow;
use crate::domain::{AllowedIps, Permissions, ScopeGlob};
use crate::time::Millis;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub const MAX_CACHED_TOKENS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct TokenScope {
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
    pub scopes: Vec<TokenScope>,
}

impl TokenRecord {
    /// Builds the record from its stored row, which `db::tokens` has decoded in full: a row
    /// that does not decode never gets here (the token is refused instead).
    pub fn from_row(row: TokenRow) -> Self {
        Self {
            scopes: row
                .scopes
                .into_iter()
                .map(|(environment, glob)| TokenScope {
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

#[derive(Default)]
pub(super) struct TokenCache {
    map: RwLock<HashMap<String, Arc<TokenRecord>>>,
}

impl TokenCache {
    pub(super) fn get(&self, id: &str) -> Option<Arc<TokenRecord>> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Keeps `record`, loaded after `stamp` was taken, unless an eviction since covers it.
    pub(super) fn insert(&self, record: Arc<TokenRecord>, stamp: Stamp, evictions: &Evictions) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if !evictions.none_since(stamp, |e| e.covers_token(&record.id, &record.project_id)) {
            return;
        }
        if map.len() >= MAX_CACHED_TOKENS {
            map.clear();
        }
        map.insert(record.id.clone(), record);
    }

    pub(super) fn evict(&self, eviction: &Eviction) {
        if !eviction.reaches_tokens() {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if eviction.everything {
            map.clear();
        } else if eviction.projects.is_empty() {
            // Revocations and sweeps: by id, however many tokens are cached.
            for id in &eviction.tokens {
                map.remove(id);
            }
        } else {
            map.retain(|id, record| !eviction.covers_token(id, &record.project_id));
        }
    }

    pub(super) fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> Arc<TokenRecord> {
        Arc::new(TokenRecord::from_row(crate::db::tokens::tests::token(id)))
    }

    #[test]
    fn a_load_that_raced_a_revocation_is_not_cached() {
        let (cache, log) = (TokenCache::default(), Evictions::default());
        let seen = log.stamp();
        let eviction = Arc::new(crate::store::Touched::tokens([String::from("t1")]).eviction());
        log.announce(eviction.clone());
        cache.evict(&eviction);
        cache.insert(record("t1"), seen, &log);
        assert!(cache.get("t1").is_none());
        cache.insert(record("t1"), log.stamp(), &log);
        assert!(cache.get("t1").is_some());
        assert_eq!(cache.get("t1").unwrap().scopes[0].glob.as_str(), "/app/**");
    }

    #[test]
    fn the_cache_is_bounded() {
        let (cache, log) = (TokenCache::default(), Evictions::default());
        for i in 0..(MAX_CACHED_TOKENS + 10) {
            cache.insert(record(&i.to_string()), log.stamp(), &log);
        }
        assert!(cache.len() <= MAX_CACHED_TOKENS);
    }
}
