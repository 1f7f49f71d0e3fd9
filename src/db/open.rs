//! Opening the database: the file created private, a copy that Litestream follows refused, the
//! write lock probed, the PRAGMAs, the schema migrated, and the read-only pool.

use super::{files, migrations, Db, DbError, Role, Writer, POOL_SIZE, WAL_SIZE_LIMIT};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How hard SQLite works to keep a commit through a crash (`--durability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// WAL with synchronous=NORMAL: no acknowledged write is lost if the process dies; the last
    /// commits may be lost on power loss.
    Normal,
    /// WAL with synchronous=FULL: acknowledged writes also survive power loss.
    Full,
}

/// Page cache of each read connection, in KiB. The Store keeps decrypted data itself and the
/// OS caches the file; a large cache per pooled connection would let one large listing after
/// another fill up to `POOL_SIZE` of them (16 × 16 MB), which memory bounds cannot allow.
const READ_CACHE_KIB: u32 = 2048;

/// How long start-up waits for the write lock before deciding another program holds it.
const WRITE_LOCK_PROBE: Duration = Duration::from_secs(1);

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
         PRAGMA cache_size = -16000;
         PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
    )
}

/// Litestream's follow mode (`litestream restore -f`) keeps its position in `<database>-txid`;
/// a plain restore leaves no such file.
fn refuse_a_followed_copy(path: &Path) -> Result<(), migrations::MigrationError> {
    let mut position = path.as_os_str().to_owned();
    position.push("-txid");
    let position = PathBuf::from(position);
    match position.exists() {
        true => Err(migrations::MigrationError::Followed(
            position.display().to_string(),
        )),
        false => Ok(()),
    }
}

/// Takes and releases the write lock once, waiting at most [`WRITE_LOCK_PROBE`]. A program that
/// holds it longer, such as `litestream restore -f` following this file, would leave this
/// server serving a stale copy whose writes later vanish: refuse to start instead.
fn probe_write_lock(conn: &Connection) -> Result<(), migrations::MigrationError> {
    conn.busy_timeout(WRITE_LOCK_PROBE)
        .and_then(|()| conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;"))
        .map_err(|e| match DbError::from(e) {
            DbError::Busy(_) => migrations::MigrationError::WriteLockHeld,
            other => migrations::MigrationError::Open(other.to_string()),
        })
}

impl Db {
    /// Opens (creating if needed) the database file with Envkeep's PRAGMAs and brings the schema
    /// to the latest version.
    pub fn open(path: &Path, durability: Durability) -> Result<Self, migrations::MigrationError> {
        let open_error =
            |e: &dyn std::fmt::Display| migrations::MigrationError::Open(e.to_string());
        let init = pragmas(durability);
        refuse_a_followed_copy(path)?;
        if !path.exists() {
            files::create_private_file(path).map_err(|e| open_error(&e))?;
        }
        let mut conn = Connection::open(path).map_err(|e| open_error(&e))?;
        probe_write_lock(&conn)?;
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
            path: Arc::new(path.to_path_buf()),
            pool,
            role: Role::Primary(Arc::new(Mutex::new(Writer { conn, data_version }))),
            outside_change: Arc::new(AtomicBool::new(false)),
        })
    }
}
