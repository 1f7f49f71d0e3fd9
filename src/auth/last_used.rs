//! Last-use times of service tokens, buffered in memory and written at most once per flush
//! interval (about a minute), so reading secrets never writes to SQLite. Readers of token
//! metadata overlay the buffered values, so the API shows a use at once; shutdown flushes.

use crate::db::{tokens, Db, DbResult};
use crate::time::Millis;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct LastUsed {
    pending: Mutex<HashMap<String, (Millis, String)>>,
}

impl LastUsed {
    pub fn record(&self, token_id: &str, at: Millis, ip: String) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        match pending.get_mut(token_id) {
            Some(entry) => *entry = (at, ip),
            None => {
                pending.insert(token_id.to_owned(), (at, ip));
            }
        }
    }

    /// The buffered use of a token not yet written, if any.
    pub fn pending(&self, token_id: &str) -> Option<(Millis, String)> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token_id)
            .cloned()
    }

    pub fn forget(&self, token_id: &str) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token_id);
    }

    /// Writes every buffered use in one transaction (blocking; call from a blocking thread).
    pub fn flush_blocking(&self, db: &Db) -> DbResult<usize> {
        let batch: Vec<(String, Millis, String)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.drain().map(|(id, (at, ip))| (id, at, ip)).collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let written = batch.len();
        db.write_blocking(|tx| tokens::record_last_used(tx, &batch))?;
        Ok(written)
    }
}
