//! What the health probe, shutdown and backups ask of the database through the Store.

use super::Store;
use crate::db::{Checkpoint, DbResult};

impl Store {
    /// Can the database be read right now? (blocking)
    pub fn ping_blocking(&self) -> DbResult<()> {
        self.inner.db.ping_blocking()
    }

    /// Folds the WAL into the database file, waiting at most `wait` for other readers
    /// (blocking; at shutdown).
    pub fn checkpoint_blocking(&self, wait: std::time::Duration) -> DbResult<Checkpoint> {
        self.inner.db.checkpoint_blocking(wait)
    }

    /// Writes a verified online copy of the database into the new file `target` (blocking).
    pub fn backup_blocking(&self, target: &std::path::Path) -> Result<(), String> {
        self.inner.db.backup_blocking(target)
    }
}
