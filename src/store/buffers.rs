//! The Store's buffers of small writes that must not happen on every read: denial audits,
//! token last use,
//! identity token uses, session last-seen times and per-token usage sums, each flushed by the
//! scheduled flush, never on the request; and the sealing of users' TOTP secrets under the root
//! key.

use super::{denials, usage, Store};
use crate::db::audit::AuditEvent;
use crate::db::DbResult;
use crate::time::Millis;
use std::net::IpAddr;

impl Store {
    /// Buffers a token's use; written by [`Store::flush_token_uses_blocking`], never on the read.
    /// Not on a replica, which writes nothing: the use is not kept.
    pub fn record_token_use(&self, token_id: &str, at: Millis, ip: Option<IpAddr>) {
        if self.is_replica() {
            return;
        }
        self.inner.last_used.record(token_id, at, ip);
    }

    /// A token's buffered use not yet written, if any (readers overlay it on the stored one).
    pub fn pending_token_use(&self, token_id: &str) -> Option<(Millis, Option<String>)> {
        self.inner.last_used.pending(token_id)
    }

    /// Writes every buffered token use (service tokens and identity access tokens) in one
    /// transaction each (blocking). Session last-seen times go in the same flush.
    pub fn flush_token_uses_blocking(&self) -> DbResult<usize> {
        let batch = self.inner.identity_tokens.take_pending();
        let identities = batch.len();
        if !batch.is_empty() {
            if let Err(e) = self
                .inner
                .db
                .write_blocking(|tx| crate::db::identities::record_uses(tx, &batch))
            {
                self.inner.identity_tokens.restore_pending(batch);
                return Err(e);
            }
        }
        let sessions = self.inner.session_seen.flush_blocking(&self.inner.db)?;
        Ok(self.inner.last_used.flush_blocking(&self.inner.db)? + identities + sessions)
    }

    /// Notes a request of a session whose stored last-seen time is `stored`; buffered only when
    /// that is a minute old, written by [`Store::flush_token_uses_blocking`].
    pub fn record_session_seen(&self, id_hash: [u8; 32], stored: Millis, now: Millis) {
        self.inner.session_seen.record(id_hash, stored, now);
    }

    /// A session's buffered last-seen time not yet written, if any.
    pub fn pending_session_seen(&self, id_hash: &[u8]) -> Option<Millis> {
        self.inner.session_seen.pending(id_hash)
    }

    /// A session's last activity: its stored last-seen time or a later one not yet written.
    pub fn session_last_seen(&self, id_hash: &[u8], stored: Millis) -> Millis {
        self.inner.session_seen.last_seen(id_hash, stored)
    }

    /// Has the session gone unused for `ENVKEEP_SESSION_IDLE` (buffered activity counted)?
    pub fn session_is_idle(&self, id_hash: &[u8], stored: Millis, now: Millis) -> bool {
        self.inner.session_seen.is_idle(id_hash, stored, now)
    }

    /// Sets the idle expiry of sessions (`ENVKEEP_SESSION_IDLE`).
    pub fn set_session_idle(&self, idle: std::time::Duration) {
        let ms = Millis::try_from(idle.as_millis()).unwrap_or(Millis::MAX);
        self.inner.session_seen.set_idle(ms);
    }

    /// Seals a user's TOTP secret under the root key, bound to the user id.
    pub fn seal_totp_secret(&self, user_id: &str, secret: &[u8]) -> Vec<u8> {
        self.inner.keys.seal_for_user(user_id, secret)
    }

    /// Opens a user's sealed TOTP secret; fails if it was sealed for another user.
    pub fn open_totp_secret(
        &self,
        user_id: &str,
        sealed: &[u8],
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, crate::crypto::CryptoError> {
        self.inner.keys.open_for_user(user_id, sealed)
    }

    /// Counts a token's read or write at a place; written by [`Store::flush_token_usage_blocking`],
    /// never on the request.
    pub fn count_token_use(
        &self,
        place: usage::UsePlace<'_>,
        what: usage::Counted,
        ip: Option<IpAddr>,
    ) {
        self.inner
            .usage
            .record(place, what, crate::time::now_millis(), ip);
    }

    /// Turns the counting of token uses on or off (`ENVKEEP_TOKEN_USAGE`).
    pub fn set_token_usage(&self, on: bool) {
        self.inner.usage.set_on(on);
    }

    /// A token's usage sums not yet written.
    pub fn pending_token_usage(
        &self,
        token_id: &str,
    ) -> Vec<(
        crate::db::token_usage::UsageKey,
        crate::db::token_usage::UsageSum,
    )> {
        self.inner.usage.pending_of(token_id)
    }

    /// Writes every buffered usage sum in one transaction (blocking); returns how many sums it
    /// wrote and how many uses the buffer's cap dropped since the last flush.
    pub fn flush_token_usage_blocking(&self) -> DbResult<(usize, u64)> {
        self.inner.usage.flush_blocking(&self.inner.db)
    }

    /// Write transactions started (tests assert that reads never write).
    pub fn write_count(&self) -> u64 {
        self.inner.db.write_count()
    }

    /// Audits a refused use in the background, within the budget of its kind and actor.
    /// Not on a replica, which writes nothing: the denial is only logged.
    pub fn audit_denial(&self, event: AuditEvent) {
        if self.is_replica() {
            tracing::info!(
                action = event.action,
                "refused use on a replica (not audited: replicas write nothing)"
            );
            return;
        }
        self.inner.denials.record(&self.inner.db, event);
    }

    /// Writes one aggregate row per spent denial budget whose window `close` ends (blocking).
    pub fn close_denial_windows_blocking(&self, close: denials::Close) -> DbResult<usize> {
        self.inner.denials.close_blocking(&self.inner.db, close)
    }
}
