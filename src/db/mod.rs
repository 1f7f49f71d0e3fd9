//! The store: an r2d2 pool of SQLite connections. SQL lives only in this module's children.
//!
//! Every connection gets its PRAGMAs in the pool's initialiser. Blocking work never runs on the
//! async executor: `run`/`write` hand the closure to the blocking thread pool. Write transactions
//! start with `BEGIN IMMEDIATE`, because a deferred transaction that reads and then writes fails
//! with SQLITE_BUSY under concurrency even with `busy_timeout`.

pub mod audit;
pub mod folders;
pub mod meta;
pub mod migrations;
pub mod projects;
pub mod secrets;
pub mod sessions;
pub mod tokens;
pub mod users;

use crate::cli::Durability;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// Connections in the pool; a request that finds none free within 5 s gets a 503.
pub const POOL_SIZE: u32 = 16;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("database busy: {0}")]
    Busy(String),
    /// A stored value that does not decode into its type (edited outside Envkeep, or damaged):
    /// whatever the row would have granted is refused.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        match &err {
            rusqlite::Error::QueryReturnedNoRows => Self::NotFound,
            rusqlite::Error::SqliteFailure(e, _) => match e.code {
                ErrorCode::ConstraintViolation
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
                {
                    Self::Conflict(String::from(
                        "An entity with these identifiers already exists",
                    ))
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Self::Busy(err.to_string()),
                _ => Self::Other(err.to_string()),
            },
            _ => Self::Other(err.to_string()),
        }
    }
}

impl From<r2d2::Error> for DbError {
    fn from(err: r2d2::Error) -> Self {
        Self::Busy(err.to_string())
    }
}

pub type DbResult<T> = Result<T, DbError>;

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
    pool: Pool,
    /// Counts completed work that changed rows; see [`Db::generation`].
    generation: Arc<AtomicU64>,
    /// This process's write transactions take turns here before `BEGIN IMMEDIATE`: SQLite's busy
    /// handler makes a waiting writer sleep in steps of up to 100 ms, so 32 concurrent updates
    /// gave a 36 ms p99; queueing on a mutex wakes the next writer as soon as one commits.
    write_turn: Arc<Mutex<()>>,
    /// A connection of its own that notices commits made outside this process.
    watch: Arc<Mutex<ExternalWatch>>,
}

struct ExternalWatch {
    conn: Connection,
    data_version: i64,
}

thread_local! {
    /// Set while this thread holds the write turn, so a write nested inside another (which SQLite
    /// refuses after `busy_timeout` anyway) fails as before instead of deadlocking.
    static HOLDS_WRITE_TURN: Cell<bool> = const { Cell::new(false) };
}

struct WriteTurn<'a> {
    guard: Option<MutexGuard<'a, ()>>,
}

impl WriteTurn<'_> {
    fn take(lock: &Mutex<()>) -> WriteTurn<'_> {
        if HOLDS_WRITE_TURN.get() {
            return WriteTurn { guard: None };
        }
        let guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        HOLDS_WRITE_TURN.set(true);
        WriteTurn { guard: Some(guard) }
    }
}

impl Drop for WriteTurn<'_> {
    fn drop(&mut self) {
        if self.guard.take().is_some() {
            HOLDS_WRITE_TURN.set(false);
        }
    }
}

impl Db {
    /// Opens (creating if needed) the database file with Envkeep's PRAGMAs and brings the schema
    /// to the latest version.
    pub fn open(path: &Path, durability: Durability) -> Result<Self, migrations::MigrationError> {
        let synchronous = match durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        // WAL is a property of the file, set once below; setting it again on every new pooled
        // connection needs a lock that, taken while others write, fails with "database is locked".
        let init = format!(
            "PRAGMA busy_timeout = 5000;
             PRAGMA synchronous = {synchronous};
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -16000;"
        );
        let manager =
            SqliteConnectionManager::file(path).with_init(move |c| c.execute_batch(&init));
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(2))
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .map_err(|e| migrations::MigrationError::Open(e.to_string()))?;
        let mut conn = pool
            .get()
            .map_err(|e| migrations::MigrationError::Open(e.to_string()))?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(|e| migrations::MigrationError::Open(e.to_string()))?;
        migrations::run(&mut conn)?;
        let open_watch = || -> rusqlite::Result<ExternalWatch> {
            let conn = Connection::open(path)?;
            conn.busy_timeout(Duration::from_secs(5))?;
            let data_version = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            Ok(ExternalWatch { conn, data_version })
        };
        let watch = open_watch().map_err(|e| migrations::MigrationError::Open(e.to_string()))?;
        Ok(Self {
            pool,
            generation: Arc::new(AtomicU64::new(0)),
            write_turn: Arc::new(Mutex::new(())),
            watch: Arc::new(Mutex::new(watch)),
        })
    }

    /// Bumps the write generation if anything committed to the file since the last call from
    /// another connection (SQLite's `data_version`): this process's pool, or another program
    /// such as a `sqlite3` shell. Envkeep's own writes already bump it synchronously; this is
    /// the safety net that makes caches drop data changed behind the server's back within a
    /// probe interval. Blocking (microseconds); the health probe calls it every second.
    pub fn notice_outside_commits(&self) -> DbResult<bool> {
        let mut watch = self.watch.lock().unwrap_or_else(|p| p.into_inner());
        let version: i64 = match watch
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(DbError::from)
        {
            Ok(version) => version,
            // A busy file cannot say whether it changed: assume it did (caches refill from the
            // store, never serve stale data) and ask again at the next probe.
            Err(DbError::Busy(_)) => {
                self.generation.fetch_add(1, Ordering::SeqCst);
                return Ok(true);
            }
            Err(other) => return Err(other),
        };
        if version == watch.data_version {
            return Ok(false);
        }
        watch.data_version = version;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(true)
    }

    /// The write generation: it grows after every `run`/`write` closure that changed a row,
    /// once the change is committed and before the caller sees the result. A value computed from
    /// rows read after observing generation `g` is current for as long as the generation is `g`,
    /// which is what in-memory caches of stored data check (DESIGN §4).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs `f` on a pooled connection and bumps the generation if it changed any row
    /// (`sqlite3_total_changes` counts every insert, update and delete, committed or not, so a
    /// rolled-back write bumps it too: harmless).
    fn with_conn<T, E: From<DbError>>(
        pool: &Pool,
        generation: &AtomicU64,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = pool.get().map_err(DbError::from)?;
        let before = conn.total_changes();
        let out = f(&mut conn);
        if conn.total_changes() != before {
            generation.fetch_add(1, Ordering::SeqCst);
        }
        out
    }

    /// Runs `f` with a pooled connection on the blocking thread pool. The closure may return
    /// any error a `DbError` converts into, so use cases can answer with their own errors.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let (pool, generation) = (self.pool.clone(), self.generation.clone());
        tokio::task::spawn_blocking(move || Self::with_conn(&pool, &generation, f))
            .await
            .map_err(|e| E::from(DbError::Other(format!("blocking task failed: {e}"))))?
    }

    /// A trivial query through the pool: can the database be read right now? (blocking)
    pub fn ping_blocking(&self) -> DbResult<()> {
        self.run_blocking(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(DbError::from)
        })
    }

    /// Folds the WAL back into the database file and truncates it, so a stopped server leaves
    /// one self-contained `envkeep.db`.
    pub async fn checkpoint(&self) -> DbResult<()> {
        self.run(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(DbError::from)
        })
        .await
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction: all of it commits, or none of it.
    /// Writers wait for their turn before taking a pooled connection, so queued writes never
    /// hold connections that reads need.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Other(format!("blocking task failed: {e}"))))?
    }

    /// The blocking form of [`Db::write`], for jobs already on a blocking thread.
    pub fn write_blocking<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<T, E>,
    ) -> Result<T, E> {
        let _turn = WriteTurn::take(&self.write_turn);
        Self::with_conn(&self.pool, &self.generation, |conn| write_in(conn, f))
    }

    /// The blocking form of [`Db::run`].
    pub fn run_blocking<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        Self::with_conn(&self.pool, &self.generation, f)
    }
}

fn write_in<T, E: From<DbError>>(
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

/// Writes a consistent copy of the database at `source` into the new file `target`, safe while a
/// server is writing (SQLite's `VACUUM INTO` reads one snapshot).
pub fn backup(source: &Path, target: &Path) -> Result<(), String> {
    if target.exists() {
        return Err(format!(
            "{} already exists; choose a new file",
            target.display()
        ));
    }
    if !source.exists() {
        return Err(format!("no database at {}", source.display()));
    }
    let conn = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open {}: {e}", source.display()))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let target_text = target
        .to_str()
        .ok_or("the backup path must be valid UTF-8")?;
    conn.execute("VACUUM INTO ?1", [target_text])
        .map_err(|e| format!("backup failed: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), Durability::Normal).unwrap();
        (dir, db)
    }

    fn set(db: &Db, key: &str) -> DbResult<()> {
        db.write_blocking(|tx| meta::set(tx, key, b"v"))
    }

    #[test]
    fn the_generation_moves_on_writes_only() {
        let (_dir, db) = open();
        let start = db.generation();
        db.run_blocking(|conn| meta::get(conn, "k")).unwrap();
        assert_eq!(db.generation(), start, "a read is not a write");
        set(&db, "k").unwrap();
        assert_eq!(db.generation(), start + 1);
        db.write_blocking(|tx| meta::get(tx, "absent")).unwrap();
        assert_eq!(
            db.generation(),
            start + 1,
            "a write transaction that changed nothing"
        );
        db.run_blocking(|conn| conn.execute("DELETE FROM meta", []).map_err(DbError::from))
            .unwrap();
        assert_eq!(
            db.generation(),
            start + 2,
            "an autocommit change counts too"
        );
    }

    #[test]
    fn a_commit_by_another_program_moves_the_generation_at_the_next_check() {
        let (dir, db) = open();
        assert!(!db.notice_outside_commits().unwrap());
        let outsider = Connection::open(dir.path().join("t.db")).unwrap();
        outsider
            .execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
            .unwrap();
        let before = db.generation();
        assert!(db.notice_outside_commits().unwrap());
        assert_eq!(db.generation(), before + 1);
        assert!(!db.notice_outside_commits().unwrap(), "noticed once");
    }

    #[test]
    fn concurrent_writers_take_turns_without_busy_errors() {
        let (_dir, db) = open();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let db = db.clone();
                std::thread::spawn(move || {
                    (0..100).try_for_each(|i| set(&db, &format!("k{t}-{i}")))
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap().unwrap();
        }
        assert!(db.generation() >= 800);
    }
}
