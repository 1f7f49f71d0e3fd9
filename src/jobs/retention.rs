//! History retention: deletes superseded versions and trashed secrets older than their project's
//! `historyDays`. It runs with the expiry sweep, in chunks for the same reason: each transaction
//! holds the write lock for a bounded time, and a crash mid-way loses nothing the next run
//! does not finish.

use crate::db::{history, DbError};
use crate::store::{Store, Touched};
use crate::time::Millis;

/// History rows deleted per transaction.
pub const CHUNK: usize = 5_000;

/// Prunes everything older than retention at `now` (blocking); answers how many rows went.
pub fn run_once(store: &Store, now: Millis) -> Result<usize, DbError> {
    run_in_chunks(store, now, CHUNK)
}

/// [`run_once`] with the chunk size chosen by the caller (tests use small ones; at least 1).
pub fn run_in_chunks(store: &Store, now: Millis, chunk: usize) -> Result<usize, DbError> {
    let chunk = chunk.max(1);
    let mut total = 0;
    loop {
        // History is never cached (only live secrets are), so nothing is evicted.
        let removed = store.write_blocking(|tx| {
            Ok::<_, DbError>((history::prune_chunk(tx, now, chunk)?, Touched::nothing()))
        })?;
        total += removed;
        if removed < chunk {
            break;
        }
    }
    // A recount per project keeps the storage limit's running count true.
    let projects = store.read_blocking(|conn| history::project_ids(conn))?;
    for project_id in &projects {
        store.write_blocking(|tx| {
            Ok::<_, DbError>((history::recount_bytes(tx, project_id)?, Touched::nothing()))
        })?;
    }
    Ok(total)
}
