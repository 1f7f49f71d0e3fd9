//! A read replica's database: the primary's Litestream replica read in place through
//! Litestream's VFS extension (`litestream-vfs`), read-only, with no file of its own.
//!
//! - The extension is loaded once ([`extension`]); it registers the `litestream` VFS, which
//!   reads `LITESTREAM_REPLICA_URL` (and the S3 settings) from the environment the process
//!   started with: the extension is Go, whose runtime copies the environment at exec and never
//!   sees a later `setenv`. So `ENVKEEP_REPLICA_URL`, when given, is not copied into the
//!   environment but passed in the connection's URI (`replica_url=`), which the VFS prefers.
//! - One connection, for ever: each VFS connection polls the replica on its own, so connections
//!   would stand at different positions, and a fill from one that lags could put back into a
//!   cache what a revocation seen by another had just evicted. One connection moves forward
//!   only, so whatever the Store fills after it saw position N was read at N or later. It also
//!   keeps the storage requests to one poll per interval, and it is never reopened (opening
//!   waits on the storage, which may be down just then). Reads on a replica come from the
//!   Store's caches; the connection serves only their misses.
//! - The position is `litestream_txid()`, read by the Store's watcher; `PRAGMA data_version`
//!   moves on every statement under this VFS and says nothing.

pub mod extension;

use super::{migrations, Db, DbError, DbResult, Role};
use crate::percent::{self, Slash};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where a replica reads from and whom it sends writers to.
#[derive(Debug, Clone)]
pub struct ReplicaSource {
    /// The extension's shared library (`ENVKEEP_LITESTREAM_VFS`).
    pub library: PathBuf,
    /// How often the VFS asks the storage for new transactions (one request per interval).
    pub poll_interval: Duration,
    /// The primary's URL, named in every refusal.
    pub primary_url: String,
    /// `ENVKEEP_REPLICA_URL`; `None` leaves the VFS to `LITESTREAM_REPLICA_URL`.
    pub replica_url: Option<String>,
}

/// What a replica's [`Db`] holds besides its pool.
pub(super) struct Replica {
    pub(super) primary_url: String,
    /// The in-memory connection the extension was loaded on, kept open so that SQLite never
    /// unloads the library whose VFS every other connection uses.
    _library: Mutex<Connection>,
}

/// Where the replica stands: the last transaction it has (Litestream's TXID, hex) and how many
/// seconds behind the storage the VFS says it is (`None` before its first poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub txid: String,
    pub lag_secs: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error(
        "cannot load the Litestream VFS extension {library} (ENVKEEP_LITESTREAM_VFS): {cause}"
    )]
    Load { library: String, cause: String },
    #[error("cannot open the replica through the Litestream VFS (LITESTREAM_REPLICA_URL): {0}")]
    Open(String),
    #[error("the replica's schema is version {found} but this envkeep reads version {supported}: run the primary's version of envkeep on the replica")]
    Schema { found: i64, supported: i64 },
}

/// Read-only, no temp files on disk, a small page cache (the Store keeps what is decrypted).
const INIT: &str = "PRAGMA query_only = ON;
                    PRAGMA foreign_keys = ON;
                    PRAGMA temp_store = MEMORY;
                    PRAGMA cache_size = -2048;";

fn uri(source: &ReplicaSource) -> String {
    let mut uri = format!(
        "file:envkeep.db?vfs=litestream&poll_interval={}ms",
        source.poll_interval.as_millis().max(1)
    );
    if let Some(url) = &source.replica_url {
        uri.push_str("&replica_url=");
        uri.push_str(&percent::encode(url, Slash::Encoded));
    }
    uri
}

impl Db {
    /// Loads the extension and opens the replica; refuses a schema this binary would not
    /// have written (the replica runs no migrations).
    pub fn open_replica(source: &ReplicaSource) -> Result<Self, ReplicaError> {
        let library = extension::load(&source.library).map_err(|e| ReplicaError::Load {
            library: source.library.display().to_string(),
            cause: e.to_string(),
        })?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let manager = SqliteConnectionManager::file(uri(source))
            .with_flags(flags)
            .with_init(|c| c.execute_batch(INIT));
        let pool = r2d2::Pool::builder()
            .max_size(1)
            .min_idle(Some(1))
            .max_lifetime(None)
            .idle_timeout(None)
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .map_err(|e| ReplicaError::Open(e.to_string()))?;
        let found = pool
            .get()
            .map_err(|e| ReplicaError::Open(e.to_string()))
            .and_then(|c| {
                migrations::user_version(&c).map_err(|e| ReplicaError::Open(e.to_string()))
            })?;
        if found != migrations::latest_version() {
            return Err(ReplicaError::Schema {
                found,
                supported: migrations::latest_version(),
            });
        }
        Ok(Self {
            path: Arc::new(PathBuf::from("litestream-replica")),
            pool,
            role: Role::Replica(Arc::new(Replica {
                primary_url: source.primary_url.clone(),
                _library: Mutex::new(library),
            })),
            outside_change: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Whether this is a replica (every write refused).
    pub fn is_replica(&self) -> bool {
        matches!(self.role, Role::Replica(_))
    }

    /// The replica's position as the VFS reports it (blocking; microseconds, no storage
    /// request). `None` on a primary.
    pub fn replica_position_blocking(&self) -> Option<DbResult<Position>> {
        if !self.is_replica() {
            return None;
        }
        Some(self.read_blocking(|conn| {
            conn.query_row("SELECT litestream_txid(), litestream_lag()", [], |r| {
                let lag: i64 = r.get(1)?;
                Ok(Position {
                    txid: r.get(0)?,
                    lag_secs: (lag >= 0).then_some(lag),
                })
            })
            .map_err(DbError::from)
        }))
    }
}
