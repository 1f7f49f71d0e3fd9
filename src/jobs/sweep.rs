//! The expiry sweep: deletes expired service tokens and expired sessions, and writes an audit
//! event with the counts for each transaction that deleted anything.

use crate::db::{sessions, tokens, DbError};
use crate::service::Actor;
use crate::store::{Store, Touched};
use crate::time::Millis;

/// Tokens deleted per transaction. A sweep of many tokens commits in chunks so it holds the
/// write lock (and so every admin write and token mint) for tens of milliseconds at a time
/// rather than for the whole sweep; a token is deleted in the same transaction as the audit
/// event that counts it, so a crash mid-sweep loses nothing and the next sweep finishes.
pub const CHUNK: usize = 5_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub tokens_deleted: usize,
    pub sessions_deleted: usize,
    /// Ids of the deleted tokens.
    pub token_ids: Vec<String>,
}

/// Runs one sweep at `now` (blocking; call from a blocking thread).
pub fn run_once(store: &Store, now: Millis) -> Result<SweepReport, DbError> {
    run_in_chunks(store, now, CHUNK)
}

/// [`run_once`] with the chunk size chosen by the caller (tests use small ones; at least 1).
pub fn run_in_chunks(store: &Store, now: Millis, chunk: usize) -> Result<SweepReport, DbError> {
    let chunk = chunk.max(1);
    let mut report = SweepReport::default();
    loop {
        // Expired sessions go with the first chunk: later chunks only run after a full one.
        let first = report.token_ids.is_empty();
        let (token_ids, sessions_deleted) = store.write_blocking(|tx| {
            let token_ids = tokens::delete_expired_chunk(tx, now, chunk)?;
            let sessions_deleted = if first {
                // Expired reset links and login steps go too (they are not counted: nothing
                // else may use them once expired anyway).
                crate::db::password_resets::delete_expired(tx, now)?;
                sessions::delete_expired(tx, now)?
            } else {
                0
            };
            if !token_ids.is_empty() || sessions_deleted > 0 {
                Actor::system().record(
                    tx,
                    now,
                    "sweep.expired",
                    None,
                    serde_json::json!({ "tokensDeleted": token_ids.len(), "sessionsDeleted": sessions_deleted }),
                )?;
            }
            let touched = Touched::tokens(token_ids.iter().cloned());
            Ok::<_, DbError>(((token_ids, sessions_deleted), touched))
        })?;
        report.sessions_deleted += sessions_deleted;
        report.tokens_deleted += token_ids.len();
        // Fewer than a chunk means the cut was `now` itself: nothing expired is left.
        let done = token_ids.len() < chunk;
        report.token_ids.extend(token_ids);
        if done {
            return Ok(report);
        }
    }
}
