//! The Store (DESIGN §8): the one owner of the database and of every cache of stored data.
//!
//! - Reads go through it: [`Store::read`] for plain queries, and [`Store::token`],
//!   [`Store::project_keys`] and [`Store::cached_folder`]/[`Store::keep_folder`] for what is kept
//!   in memory.
//! - Its one write path, [`Store::write`], runs a closure in a `BEGIN IMMEDIATE` transaction on
//!   the dedicated writer connection. The closure returns its answer and what it [`Touched`];
//!   after the commit and before the caller gets the answer, the Store evicts exactly that. No
//!   other code evicts, so a write cannot leave a revoked token or an old value cached.
//! - A fill that races a write keeps nothing the write made stale (see `evictions`).
//! - Changes made by another program (a `sqlite3` shell, a restore) are noticed through
//!   `PRAGMA data_version` on the writer connection, which the health probe reads every second:
//!   any change clears every cache, token records included.
//! - Small writes that must not happen on every read (token last use, denial audits) are
//!   buffered here and written by the Store.
//! - On a read replica (`db::replica`) every write is refused with `ReadOnlyReplica`, nothing
//!   is buffered (last-use times and denial audits of reads served there are not kept), and
//!   the caches follow the replica's position ([`Store::follow_replica_blocking`]).

mod audit_log;
mod budget;
mod buffers;
pub mod decrypted;
pub mod denials;
mod eviction;
pub mod evictions;
pub mod folders;
pub mod identity_tokens;
pub mod imports;
pub mod keys;
pub mod last_used;
mod maintenance;
pub mod session_seen;
pub mod tokens;
pub mod touched;
pub mod usage;

pub use budget::Reservation;
pub use decrypted::{CachedFolder, Rendering, SecretList, SecretView, Unreadable};
pub use evictions::Stamp;
pub use folders::{folder_key, subtree_key};
pub use identity_tokens::{IdentityMembership, IdentityTokenRecord};
pub use imports::ImportGraph;
pub use keys::{secret_aad, version_aad, ProjectKeys};
pub use tokens::{TokenRecord, TokenScope};
pub use touched::{FolderTouch, Touched};

use crate::crypto::chain::ChainKey;
use crate::crypto::Key32;
use crate::db::projects::SealedKeys;
use crate::db::replica::Position;
use crate::db::{projects, tokens as token_rows, Db, DbError, DbResult};
use crate::domain::StorageLimits;
use crate::error::{AppError, AppResult};
use crate::time::Millis;
use eviction::Eviction;
use rusqlite::{Connection, Transaction};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    limits: StorageLimits,
    listings: budget::ListingBudget,
    evictions: evictions::Evictions,
    keys: keys::Keyring,
    tokens: tokens::TokenCache,
    identity_tokens: identity_tokens::IdentityTokenCache,
    folders: folders::FolderCache,
    imports: imports::ImportCache,
    last_used: last_used::LastUsed,
    usage: usage::TokenUsage,
    session_seen: session_seen::SessionSeen,
    denials: denials::DenialAudit,
    /// The key of the audit log's hash chain (the writer holds its own copy to append).
    audit_key: ChainKey,
    folder_hits: AtomicU64,
    folder_misses: AtomicU64,
    /// A replica's last position seen (Litestream's TXID); `None` before the first look.
    replica_position: std::sync::Mutex<Option<String>>,
}

/// How the caches are doing (for tests and the benchmark's reading of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub folder_hits: u64,
    pub folder_misses: u64,
    pub folders_cached: usize,
    pub tokens_cached: usize,
}

/// Runs `f` on the blocking thread pool, off the async executor; a task that panicked is a
/// `DbError` like any other failure of the work it did.
async fn off_executor<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| E::from(DbError::Other(format!("blocking task failed: {e}"))))?
}

/// What the Store bounds: what a folder and a project may hold, and the memory listings in
/// flight may take (waiting up to `listing_wait` for it).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub limits: StorageLimits,
    pub listing_memory: usize,
    pub listing_wait: std::time::Duration,
}

/// The defaults of `ENVKEEP_MAX_*` and `ENVKEEP_LISTING_MEMORY`, for tools that open a Store.
impl Default for Bounds {
    fn default() -> Self {
        Self {
            limits: StorageLimits::default(),
            listing_memory: 64 * 1024 * 1024,
            listing_wait: std::time::Duration::from_secs(5),
        }
    }
}

impl Store {
    pub fn new(db: Db, root_key: Key32, bounds: Bounds) -> Self {
        let audit_key = ChainKey::derive(&root_key);
        db.set_audit_key(audit_key.clone());
        Self {
            inner: Arc::new(Inner {
                db,
                limits: bounds.limits,
                listings: budget::ListingBudget::new(bounds.listing_memory, bounds.listing_wait),
                evictions: evictions::Evictions::default(),
                keys: keys::Keyring::new(root_key),
                tokens: tokens::TokenCache::default(),
                identity_tokens: identity_tokens::IdentityTokenCache::default(),
                folders: folders::FolderCache::default(),
                imports: imports::ImportCache::default(),
                last_used: last_used::LastUsed::default(),
                usage: usage::TokenUsage::default(),
                session_seen: session_seen::SessionSeen::default(),
                denials: denials::DenialAudit::default(),
                audit_key,
                folder_hits: AtomicU64::new(0),
                folder_misses: AtomicU64::new(0),
                replica_position: std::sync::Mutex::new(None),
            }),
        }
    }

    /// Checks the root key against the sealed check value, writing one on first start.
    pub fn verify_root_key_blocking(&self) -> Result<(), String> {
        self.inner.keys.verify_root_key(&self.inner.db)
    }

    /// Runs `f` with a read-only pooled connection on the blocking thread pool. The closure may
    /// return any error a `DbError` converts into, so use cases can answer with their own errors.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let store = self.clone();
        off_executor(move || store.read_blocking(f)).await
    }

    /// The blocking form of [`Store::read`].
    pub fn read_blocking<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        self.inner.db.read_blocking(f)
    }

    /// The one write path: `f` runs in one `BEGIN IMMEDIATE` transaction on the writer
    /// connection and returns its answer with what it touched; all of it commits or none of it.
    /// The touched entries are evicted after the commit and before this returns.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Transaction) -> Result<(T, Touched), E> + Send + 'static,
    {
        let store = self.clone();
        off_executor(move || store.write_blocking(f)).await
    }

    /// The blocking form of [`Store::write`], for jobs already on a blocking thread.
    pub fn write_blocking<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<(T, Touched), E>,
    ) -> Result<T, E> {
        let written = self.inner.db.write_blocking(f);
        if self.inner.db.take_outside_change_seen() {
            self.evict(Eviction::everything());
        }
        let (answer, touched) = written?;
        self.inner.session_seen.forget(&touched.sessions);
        self.evict(touched.eviction());
        Ok(answer)
    }

    /// Announces the eviction (so racing fills keep nothing), then drops the entries.
    fn evict(&self, eviction: Eviction) {
        if eviction.is_empty() {
            return;
        }
        let eviction = Arc::new(eviction);
        let inner = &self.inner;
        inner.evictions.announce(eviction.clone());
        inner.keys.evict(&eviction);
        inner.tokens.evict(&eviction);
        inner.identity_tokens.evict(&eviction);
        inner.folders.evict(&eviction);
        inner.imports.evict(&eviction);
        inner.last_used.forget(&eviction);
    }

    /// Clears every cache if another program committed to the file since the last call
    /// (blocking; the health probe calls it every second, and every write checks as it ends).
    /// Returns whether it did.
    pub fn notice_outside_changes_blocking(&self) -> bool {
        let changed = self.inner.db.take_outside_change();
        if changed {
            self.evict(Eviction::everything());
        }
        changed
    }

    /// Whether this Store reads a replica (and refuses every write).
    pub fn is_replica(&self) -> bool {
        self.inner.db.is_replica()
    }

    /// On a replica: reads its position and clears every cache, token records included, when
    /// it moved (blocking; microseconds). A position that cannot be read clears them too, as
    /// on a primary. `None` on a primary.
    pub fn follow_replica_blocking(&self) -> Option<DbResult<Position>> {
        let position = self.inner.db.replica_position_blocking()?;
        let mut last = self
            .inner
            .replica_position
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let moved = match &position {
            Ok(now) => last.as_deref() != Some(now.txid.as_str()),
            Err(_) => true,
        };
        if moved {
            // Evict while holding `last`, so two watchers cannot interleave a stale fill.
            self.evict(Eviction::everything());
            *last = position.as_ref().ok().map(|p| p.txid.clone());
        }
        Some(position)
    }

    /// A service token's record, from memory or the database; `None` if no such token or if its
    /// stored row does not decode (fail closed).
    pub async fn token(&self, id: &str) -> AppResult<Option<Arc<TokenRecord>>> {
        if let Some(record) = self.inner.tokens.get(id) {
            return Ok(Some(record));
        }
        let stamp = self.inner.evictions.stamp();
        let owned = id.to_owned();
        let row = self
            .read(move |conn| token_rows::find_usable(conn, &owned))
            .await?;
        Ok(row.map(|row| {
            let record = Arc::new(TokenRecord::from_row(row));
            self.inner
                .tokens
                .insert(record.clone(), stamp, &self.inner.evictions);
            record
        }))
    }

    /// An identity access token's record, from memory or the database (with its identity's
    /// access-token IPs and memberships); `None` if no such token.
    pub async fn identity_token(&self, id: &str) -> AppResult<Option<Arc<IdentityTokenRecord>>> {
        if let Some(record) = self.inner.identity_tokens.get(id) {
            return Ok(Some(record));
        }
        let stamp = self.inner.evictions.stamp();
        let owned = id.to_owned();
        let loaded = self
            .read(move |conn| -> AppResult<Option<IdentityTokenRecord>> {
                use crate::db::identities as rows;
                let Some(token) = rows::find_token(conn, &owned)? else {
                    return Ok(None);
                };
                let Some(identity) = rows::find(conn, &token.identity_id)? else {
                    return Ok(None);
                };
                let mut memberships = Vec::new();
                for m in rows::memberships_of(conn, &identity.id)? {
                    // A role that does not parse grants nothing (fail closed).
                    let Ok(role) = crate::domain::IdentityRole::parse(&m.role) else {
                        continue;
                    };
                    memberships.push(IdentityMembership {
                        project_id: m.project_id,
                        role,
                        environments: m.environments,
                    });
                }
                let uses = token.num_uses;
                Ok(Some(IdentityTokenRecord::new(
                    token,
                    identity.settings.access_token_trusted_ips,
                    memberships,
                    uses,
                )))
            })
            .await?;
        Ok(loaded.map(|record| {
            if let Some(pending) = self.inner.identity_tokens.pending_uses(id) {
                record.uses.fetch_max(pending, Ordering::SeqCst);
            }
            let record = Arc::new(record);
            self.inner
                .identity_tokens
                .insert(record.clone(), stamp, &self.inner.evictions);
            record
        }))
    }

    /// Counts a use of an identity access token (buffered; written by the flush); returns the
    /// count including it.
    /// On a replica, which writes nothing, the count is kept in memory only.
    pub fn count_identity_use(&self, record: &IdentityTokenRecord, at: Millis) -> i64 {
        self.inner
            .identity_tokens
            .count_use(record, at, !self.is_replica())
    }

    /// The project's unsealed keys; `NotFound` if the project does not exist.
    pub async fn project_keys(&self, project_id: &str) -> AppResult<Arc<ProjectKeys>> {
        if let Some(keys) = self.inner.keys.get(project_id) {
            return Ok(keys);
        }
        let stamp = self.inner.evictions.stamp();
        let id = project_id.to_owned();
        let sealed = self
            .read(move |conn| projects::sealed_keys(conn, &id))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Project '{project_id}' was not found")))?;
        let keys = Arc::new(self.inner.keys.unseal(project_id, &sealed)?);
        self.inner
            .keys
            .insert(project_id, keys.clone(), stamp, &self.inner.evictions);
        Ok(keys)
    }

    /// Fresh keys for a new project, sealed for the database.
    pub fn new_project_keys(&self, project_id: &str) -> SealedKeys {
        self.inner.keys.new_project_keys(project_id)
    }

    /// The project's secret imports, from memory or the database.
    pub async fn imports(&self, project_id: &str) -> AppResult<Arc<ImportGraph>> {
        if let Some(graph) = self.inner.imports.get(project_id) {
            return Ok(graph);
        }
        let stamp = self.inner.evictions.stamp();
        let id = project_id.to_owned();
        let rows = self
            .read(move |conn| crate::db::secret_imports::in_project(conn, &id))
            .await?;
        let graph = Arc::new(ImportGraph::new(rows));
        self.inner
            .imports
            .insert(project_id, graph.clone(), stamp, &self.inner.evictions);
        Ok(graph)
    }

    /// A decrypted folder, or recursive listing, kept in memory (key from [`folder_key`] or
    /// [`subtree_key`]), counting hits and misses.
    pub fn cached_folder(&self, key: &str) -> Option<Arc<CachedFolder>> {
        let found = self.inner.folders.get(key);
        let counter = match found {
            Some(_) => &self.inner.folder_hits,
            None => &self.inner.folder_misses,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Take this before loading what [`Store::keep_folder`] will keep.
    pub fn stamp(&self) -> Stamp {
        self.inner.evictions.stamp()
    }

    /// Keeps a folder decrypted from rows read after `stamp`, unless a write since made it stale
    /// or it is too large to keep; returns whether it was kept.
    pub fn keep_folder(&self, key: String, folder: Arc<CachedFolder>, stamp: Stamp) -> bool {
        self.inner
            .folders
            .insert(key, folder, stamp, &self.inner.evictions)
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            folder_hits: self.inner.folder_hits.load(Ordering::Relaxed),
            folder_misses: self.inner.folder_misses.load(Ordering::Relaxed),
            folders_cached: self.inner.folders.len(),
            tokens_cached: self.inner.tokens.len(),
        }
    }
}
