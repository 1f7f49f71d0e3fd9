//! Identity access tokens in memory, so an identity's request does no SQL and no slow hash: the
//! record holds the token's SHA-256, its limits, the identity's access-token IPs and its project
//! memberships. Every change that could grant less (revoke, renewal, settings, membership,
//! identity or project deletion) is a write that names the identity's token ids or the project
//! in its `Touched`, so the record is gone before the write is answered. Uses are counted here
//! and written by the Store's flush, never on the request.

use super::eviction::Eviction;
use super::evictions::{Evictions, Stamp};
use crate::domain::{AllowedIps, IdentityRole};
use crate::time::Millis;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

const MAX_CACHED: usize = 10_000;

#[derive(Debug, Clone)]
pub struct IdentityMembership {
    pub project_id: String,
    pub role: IdentityRole,
    /// `None`: every environment.
    pub environments: Option<Vec<String>>,
}

impl IdentityMembership {
    pub fn allows_environment(&self, environment: &str) -> bool {
        self.environments
            .as_ref()
            .is_none_or(|envs| envs.iter().any(|e| e == environment))
    }
}

#[derive(Debug)]
pub struct IdentityTokenRecord {
    pub id: String,
    pub identity_id: String,
    pub secret_hash: Vec<u8>,
    pub ttl: i64,
    pub max_ttl: i64,
    pub num_uses_limit: i64,
    pub created_at: Millis,
    pub last_renewed_at: Option<Millis>,
    pub trusted_ips: AllowedIps,
    pub memberships: Vec<IdentityMembership>,
    /// Uses so far: the stored count when loaded, plus those counted since.
    pub(super) uses: AtomicI64,
}

impl IdentityTokenRecord {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        row: crate::db::identities::AccessTokenRow,
        trusted_ips: AllowedIps,
        memberships: Vec<IdentityMembership>,
        uses: i64,
    ) -> Self {
        Self {
            id: row.id,
            identity_id: row.identity_id,
            secret_hash: row.secret_hash,
            ttl: row.ttl,
            max_ttl: row.max_ttl,
            num_uses_limit: row.num_uses_limit,
            created_at: row.created_at,
            last_renewed_at: row.last_renewed_at,
            trusted_ips,
            memberships,
            uses: AtomicI64::new(uses),
        }
    }

    pub fn membership(&self, project_id: &str) -> Option<&IdentityMembership> {
        self.memberships.iter().find(|m| m.project_id == project_id)
    }

    /// This record with only its membership in `project_id` (none if it is not a member).
    pub fn narrowed(&self, project_id: &str) -> Self {
        Self {
            id: self.id.clone(),
            identity_id: self.identity_id.clone(),
            secret_hash: self.secret_hash.clone(),
            ttl: self.ttl,
            max_ttl: self.max_ttl,
            num_uses_limit: self.num_uses_limit,
            created_at: self.created_at,
            last_renewed_at: self.last_renewed_at,
            trusted_ips: self.trusted_ips.clone(),
            memberships: self.membership(project_id).cloned().into_iter().collect(),
            uses: AtomicI64::new(self.uses()),
        }
    }

    pub fn uses(&self) -> i64 {
        self.uses.load(Ordering::SeqCst)
    }
}

#[derive(Default)]
pub(super) struct IdentityTokenCache {
    map: RwLock<HashMap<String, Arc<IdentityTokenRecord>>>,
    /// Uses not yet written: token id → (count, last use).
    pending: Mutex<HashMap<String, (i64, Millis)>>,
}

impl IdentityTokenCache {
    pub(super) fn get(&self, id: &str) -> Option<Arc<IdentityTokenRecord>> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    fn covers(eviction: &Eviction, record: &IdentityTokenRecord) -> bool {
        eviction.everything
            || eviction.tokens.contains(&record.id)
            || record
                .memberships
                .iter()
                .any(|m| eviction.projects.contains(&m.project_id))
    }

    pub(super) fn insert(
        &self,
        record: Arc<IdentityTokenRecord>,
        stamp: Stamp,
        evictions: &Evictions,
    ) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if !evictions.none_since(stamp, |e| Self::covers(e, &record)) {
            return;
        }
        if map.len() >= MAX_CACHED {
            map.clear();
        }
        map.insert(record.id.clone(), record);
    }

    pub(super) fn evict(&self, eviction: &Eviction) {
        if !eviction.reaches_tokens() {
            return;
        }
        self.map
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, record| !Self::covers(eviction, record));
    }

    /// Counts one use (buffered for the flush when `buffer`); returns the count including it.
    pub(super) fn count_use(&self, record: &IdentityTokenRecord, at: Millis, buffer: bool) -> i64 {
        let count = record.uses.fetch_add(1, Ordering::SeqCst) + 1;
        if !buffer {
            return count;
        }
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry(record.id.clone()).or_insert((count, at));
        *entry = (entry.0.max(count), at);
        count
    }

    /// A use count not yet written (a reloaded record starts from the larger one).
    pub(super) fn pending_uses(&self, id: &str) -> Option<i64> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .map(|p| p.0)
    }

    pub(super) fn take_pending(&self) -> Vec<(String, i64, Millis)> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .drain()
            .map(|(id, (count, at))| (id, count, at))
            .collect()
    }

    pub(super) fn restore_pending(&self, batch: Vec<(String, i64, Millis)>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for (id, count, at) in batch {
            pending.entry(id).or_insert((count, at));
        }
    }
}
