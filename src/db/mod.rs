//! SQLite access: a pool of read-only connections, one dedicated writer connection, migrations,
//! and one module per table group. SQL lives only in this module's children. Once the
//! server runs, only the Store (`crate::store`) holds a `Db` (start-up reads the root-key check
//! before building it), so every write goes through the Store's one write path.
//!
//! Blocking work never runs on the async executor: callers hand closures to the blocking thread
//! pool. Write transactions start with `BEGIN IMMEDIATE`, because a deferred transaction that
//! reads and then writes fails with SQLITE_BUSY under concurrency even with `busy_timeout`.

pub mod audit;
pub mod folders;
pub mod meta;
pub mod migrations;
pub mod projects;
pub mod secrets;
pub mod sessions;
pub mod tokens;
pub mod usage;
pub mod users;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// Read connections in the pool; a request that finds none free within 5 s gets a 503.
pub const POOL_SIZE: u32 = 16;

/// Page cache of each read connection, in KiB. The Store keeps decrypted data itself and the
/// OS caches the file; a large cache per pooled connection would let one large listing after
/// another fill up to `POOL_SIZE` of them (16 × 16 MB), which memory bounds cannot allow.
const READ_CACHE_KIB: u32 = 2048;

/// How hard SQLite works to keep a commit through a crash (`--durability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// WAL with synchronous=NORMAL: no acknowledged write is lost if the process dies; the last
    /// commits may be lost on power loss.
    Normal,
    /// WAL with synchronous=FULL: acknowledged writes also survive power loss.
    Full,
}

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
    /// Read-only connections (`query_only`): a write that bypasses [`Db::write_blocking`] fails.
    pool: Pool,
    /// The one connection that writes. Writers queue on its mutex rather than in SQLite's busy
    /// handler, which sleeps in steps of up to 100 ms (32 concurrent updates gave a 36 ms p99);
    /// a mutex wakes the next writer as soon as one commits.
    writer: Arc<Mutex<Writer>>,
    /// Set when the writer connection sees another program's commit; taken by
    /// [`Db::take_outside_change`].
    outside_change: Arc<AtomicBool>,
}

struct Writer {
    conn: Connection,
    /// `PRAGMA data_version` as last read on this connection. It moves only when another
    /// connection commits, so the writer's own commits never look like outside changes.
    data_version: i64,
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

fn pragmas(durability: Durability) -> String {
    let synchronous = match durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    format!(
        "PRAGMA busy_timeout = 5000;
         PRAGMA synchronous = {synchronous};
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;"
    )
}

impl Db {
    /// Opens (creating if needed) the database file with Envkeep's PRAGMAs and brings the schema
    /// to the latest version.
    pub fn open(path: &Path, durability: Durability) -> Result<Self, migrations::MigrationError> {
        let open_error =
            |e: &dyn std::fmt::Display| migrations::MigrationError::Open(e.to_string());
        let init = pragmas(durability);
        let mut conn = Connection::open(path).map_err(|e| open_error(&e))?;
        conn.execute_batch(&init).map_err(|e| open_error(&e))?;
        // WAL is a property of the file, set once here; setting it again on every new pooled
        // connection needs a lock that, taken while others write, fails with "database is locked".
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(|e| open_error(&e))?;
        migrations::run(&mut conn)?;
        let data_version = conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| open_error(&e))?;
        let read_init =
            format!("{init} PRAGMA query_only = ON; PRAGMA cache_size = -{READ_CACHE_KIB};");
        let manager =
            SqliteConnectionManager::file(path).with_init(move |c| c.execute_batch(&read_init));
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(2))
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .map_err(|e| open_error(&e))?;
        Ok(Self {
            pool,
            writer: Arc::new(Mutex::new(Writer { conn, data_version })),
            outside_change: Arc::new(AtomicBool::new(false)),
        })
    }

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
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let out = transaction(&mut writer.conn, f);
        self.note_outside_change(&mut writer);
        out
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
    pub fn take_outside_change(&self) -> bool {
        match self.writer.try_lock() {
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

    /// Folds the WAL back into the database file and truncates it, so a stopped server leaves
    /// one self-contained `envkeep.db` (blocking).
    pub fn checkpoint_blocking(&self) -> DbResult<()> {
        let _held = HeldWriter::take()?;
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(DbError::from)
    }
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
    fn own_writes_are_not_outside_changes_but_another_programs_are() {
        let (dir, db) = open();
        assert!(!db.take_outside_change());
        set(&db, "k").unwrap();
        assert!(!db.take_outside_change(), "the writer's own commit");
        let outsider = Connection::open(dir.path().join("t.db")).unwrap();
        outsider
            .execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
            .unwrap();
        assert!(db.take_outside_change());
        assert!(!db.take_outside_change(), "noticed once");
    }

    #[test]
    fn a_write_notices_an_outside_commit_as_it_ends() {
        let (dir, db) = open();
        let outsider = Connection::open(dir.path().join("t.db")).unwrap();
        outsider
            .execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
            .unwrap();
        set(&db, "k").unwrap();
        assert!(db.take_outside_change_seen());
        assert!(!db.take_outside_change_seen(), "taken once");
    }

    #[test]
    fn pooled_connections_cannot_write() {
        let (_dir, db) = open();
        let refused = db.read_blocking(|conn| {
            conn.execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
                .map_err(DbError::from)
        });
        assert!(refused.is_err(), "a read connection wrote a row");
    }

    #[test]
    fn a_write_nested_in_a_write_fails_instead_of_deadlocking() {
        let (_dir, db) = open();
        let inner = db.write_blocking(|_tx| Ok::<_, DbError>(set(&db, "k")));
        assert!(inner.unwrap().is_err());
        set(&db, "k").unwrap();
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
        let rows: i64 = db
            .read_blocking(|c| {
                c.query_row("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'", [], |r| {
                    r.get(0)
                })
                .map_err(DbError::from)
            })
            .unwrap();
        assert_eq!(rows, 800);
    }
}
