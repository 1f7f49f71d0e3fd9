//! The expiry sweep: deletes expired service tokens (their scopes cascade) and expired sessions,
//! and writes one audit event with the counts when it deleted anything.

use crate::db::{sessions, tokens, Db, DbError};
use crate::service::Actor;
use crate::time::Millis;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub tokens_deleted: usize,
    pub sessions_deleted: usize,
    /// Ids of the deleted tokens, so callers can evict them from memory.
    pub token_ids: Vec<String>,
}

/// Runs one sweep at `now` in one transaction (blocking; call from a blocking thread).
pub fn run_once(db: &Db, now: Millis) -> Result<SweepReport, DbError> {
    db.write_blocking(|tx| {
        let token_ids = tokens::delete_expired(tx, now)?;
        let sessions_deleted = sessions::delete_expired(tx, now)?;
        if !token_ids.is_empty() || sessions_deleted > 0 {
            Actor::system().record(
                tx,
                now,
                "sweep.expired",
                None,
                serde_json::json!({ "tokensDeleted": token_ids.len(), "sessionsDeleted": sessions_deleted }),
            )?;
        }
        Ok(SweepReport { tokens_deleted: token_ids.len(), sessions_deleted, token_ids })
    })
}
