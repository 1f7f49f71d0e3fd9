//! SQLite access: a pool of read-only connections, one dedicated writer connection, migrations,
//! and one module per table group. SQL lives only in this module's children. Once the
//! server runs, only the Store (`crate::store`) holds a `Db` (start-up reads the root-key check
//! before building it), so every write goes through the Store's one write path.
//!
//! Blocking work never runs on the async executor: callers hand closures to the blocking thread
//! pool. Write transactions start with `BEGIN IMMEDIATE`, because a deferred transaction that
//! reads and then writes fails with SQLITE_BUSY under concurrency even with `busy_timeout`.

pub mod audit;
pub mod backup;
pub mod check;
mod error;
pub mod files;
pub mod folders;
pub mod history;
pub mod identities;
pub mod invites;
pub mod memberships;
pub mod meta;
pub mod mfa;
pub mod migrations;
mod open;
pub mod password_resets;
pub mod projects;
pub mod replica;
pub mod secret_imports;
pub mod secrets;
pub mod sessions;
pub mod token_usage;
pub mod tokens;
pub mod usage;
pub mod users;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

pub use error::{DbError, DbResult};
pub use open::Durability;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// Read connections in the pool; a request that finds none free within 5 s gets a 503.
pub const POOL_SIZE: u32 = 16;

/// What the WAL file is cut back to when SQLite restarts it after a checkpoint. Without a limit
/// a burst (or a replicator holding checkpoints back) leaves the file at its largest size for
/// good; twice the auto-checkpoint size (1,000 pages, about 4 MiB) means ordinary traffic never
/// shrinks and regrows it.
pub const WAL_SIZE_LIMIT: u64 = 8 * 1024 * 1024;

/// How long the shutdown checkpoint waits for other readers (a replicator) before giving up.
pub const SHUTDOWN_CHECKPOINT_WAIT: Duration = Duration::from_secs(1);

/// What a WAL checkpoint achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// Every frame is in the database file and the WAL is empty.
    Complete,
    /// Another connection (typically a replicator's read transaction) kept the WAL from being
    /// emptied: `copied` of its `frames` reached the database file, and it is replayed at the
    /// next start.
    Incomplete { frames: i64, copied: i64 },
}

/// The prefix every path strictly below folder `path` starts with (`/` for the root).
fn subtree_prefix(path: &str) -> String {
    if path == "/" {
        String::from("/")
    } else {
        format!("{path}/")
    }
}

#[derive(Clone)]
pub struct Db {
    /// The database file, for copies made from a connection of their own.
    path: Arc<PathBuf>,
    /// Read-only connections (`query_only`): a write that bypasses [`Db::write_blocking`] fails.
    pool: Pool,
    /// A primary's writer, or what a read replica keeps instead (it writes nothing).
    role: Role,
    /// Set when the writer connection sees another program's commit; taken by
    /// [`Db::take_outside_change`].
    outside_change: Arc<AtomicBool>,
    /// Write transactions started, so tests can assert that a path never writes.
    writes: Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Clone)]
enum Role {
    /// The one connection that writes. Writers queue on its mutex rather than in SQLite's busy
    /// handler, which sleeps in steps of up to 100 ms (32 concurrent updates gave a 36 ms p99);
    /// a mutex wakes the next writer as soon as one commits.
    Primary(Arc<Mutex<Writer>>),
    /// A read replica (`replica`): every write is refused, naming the primary.
    Replica(Arc<replica::Replica>),
}

struct Writer {
    conn: Connection,
    /// `PRAGMA data_version` as last read on this connection. It moves only when another
    /// connection commits, so the writer's own commits never look like outside changes.
    data_version: i64,
    /// The audit log's hash chain, once [`Db::set_audit_key`] gave its key.
    chain: Option<audit::chain::Chain>,
}

thread_local! {
    /// Set while this thread holds the writer, so a write nested inside another fails instead of
    /// deadlocking on the writer's mutex.
    static HOLDS_WRITER: Cell<bool> = const { Cell::new(false) };
}

struct HeldWriter;

impl HeldWriter {
    fn take() -> DbResult<Self> {
        if HOLDS_WRITER.get() {
            return Err(DbError::Other(String::from(
                "a write was started inside another write",
            )));
        }
        HOLDS_WRITER.set(true);
        Ok(HeldWriter)
    }
}

impl Drop for HeldWriter {
    fn drop(&mut self) {
        HOLDS_WRITER.set(false);
    }
}

fn transaction<T, E: From<DbError>>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction) -> Result<T, E>,
) -> Result<T, E> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(DbError::from)?;
    let out = f(&tx)?;
    tx.commit().map_err(DbError::from)?;
    Ok(out)
}

impl Db {
    /// Runs `f` on a pooled read-only connection (blocking: call from a blocking thread).
    pub fn read_blocking<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.pool.get().map_err(DbError::from)?;
        f(&mut conn)
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction on the writer connection: all of it
    /// commits, or none of it (blocking). Afterwards, still holding the writer, it checks for
    /// other programs' commits (see [`Db::take_outside_change`]).
    pub fn write_blocking<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<T, E>,
    ) -> Result<T, E> {
        let _held = HeldWriter::take()?;
        let writer = self.writer()?;
        self.writes.fetch_add(1, Ordering::Relaxed);
        let mut writer = writer.lock().unwrap_or_else(|p| p.into_inner());
        let Writer { conn, chain, .. } = &mut *writer;
        let out = audit::chain::lend(chain, || transaction(conn, f));
        self.note_outside_change(&mut writer);
        out
    }

    /// Write transactions started since the database was opened.
    pub fn write_count(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Gives the writer the audit chain's key: from then on every audit row it writes extends
    /// the chain. Without it, writing an audit row fails.
    pub fn set_audit_key(&self, key: crate::crypto::chain::ChainKey) {
        // A replica writes nothing, so it keeps no chain.
        if let Ok(writer) = self.writer() {
            let mut writer = writer.lock().unwrap_or_else(|p| p.into_inner());
            writer.chain = Some(audit::chain::Chain::new(key));
        }
    }

    /// The writer; on a replica, the refusal every write gets.
    fn writer(&self) -> DbResult<&Mutex<Writer>> {
        match &self.role {
            Role::Primary(writer) => Ok(writer),
            Role::Replica(replica) => Err(DbError::ReadOnlyReplica(replica.primary_url.clone())),
        }
    }

    /// Reads `PRAGMA data_version` on the writer connection: it moves only when another
    /// connection commits, so this process's own writes never look like outside changes. A
    /// failed read (a busy file) cannot say whether the file changed: that counts as a change,
    /// so caches refill from the file rather than serve stale data.
    fn note_outside_change(&self, writer: &mut MutexGuard<'_, Writer>) {
        let changed = match writer
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
        {
            Ok(version) => {
                let changed = version != writer.data_version;
                writer.data_version = version;
                changed
            }
            Err(_) => true,
        };
        if changed {
            self.outside_change.store(true, Ordering::SeqCst);
        }
    }

    /// Whether another program (a `sqlite3` shell, a restore) committed to the file since the
    /// last call. Checks now unless a write holds the writer (that write checks as it ends), so
    /// the probe never waits behind a slow write (blocking; microseconds).
    /// On a replica, always false: the Store follows the replica's position instead
    /// ([`Db::replica_position_blocking`]), since `data_version` moves on every statement there.
    pub fn take_outside_change(&self) -> bool {
        let Ok(writer) = self.writer() else {
            return false;
        };
        match writer.try_lock() {
            Ok(mut writer) => self.note_outside_change(&mut writer),
            Err(TryLockError::Poisoned(poisoned)) => {
                self.note_outside_change(&mut poisoned.into_inner())
            }
            Err(TryLockError::WouldBlock) => {}
        }
        self.take_outside_change_seen()
    }

    /// What the writes so far have seen, without a new check (the Store, after each write).
    pub fn take_outside_change_seen(&self) -> bool {
        self.outside_change.swap(false, Ordering::SeqCst)
    }

    /// A trivial query through the pool: can the database be read right now? (blocking)
    pub fn ping_blocking(&self) -> DbResult<()> {
        self.read_blocking(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(DbError::from)
        })
    }

    /// Folds the WAL back into the database file and truncates it, waiting at most `wait` for
    /// other connections' readers; says whether it got there (blocking). The writer's usual
    /// busy timeout is restored afterwards.
    pub fn checkpoint_blocking(&self, wait: Duration) -> DbResult<Checkpoint> {
        let _held = HeldWriter::take()?;
        let writer = self.writer()?.lock().unwrap_or_else(|p| p.into_inner());
        writer.conn.busy_timeout(wait)?;
        let result = writer
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(DbError::from);
        writer.conn.busy_timeout(Duration::from_secs(5))?;
        let (busy, frames, copied) = result?;
        Ok(if busy == 0 {
            Checkpoint::Complete
        } else {
            Checkpoint::Incomplete { frames, copied }
        })
    }

    /// Writes a verified copy of the database into the new file `target` (blocking; see
    /// [`backup::backup`]).
    pub fn backup_blocking(&self, target: &Path) -> Result<(), String> {
        backup::backup(&self.path, target)?;
        backup::verify(target)
    }
}

#[cfg(test)]
mod tests;
