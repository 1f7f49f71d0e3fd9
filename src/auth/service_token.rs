//! Authenticating a service token. Order (DESIGN §4): parse → look up id → verify secret →
//! expiry → allowed IPs. Expiry comes after the secret, so only a holder of the secret learns that
//! a token has expired. No slow hash and no write on this path: the record comes from the
//! Store's cache and the use is buffered there.

use super::throttle::FailureThrottle;
use crate::crypto::random::digest_matches;
use crate::db::audit::AuditEvent;
use crate::domain::expiry::is_expired;
use crate::domain::{ClientAddr, ServiceTokenString};
use crate::error::{AppError, AppResult};
use crate::store::{Store, TokenRecord};
use crate::time::now_millis;
use std::sync::Arc;

/// The one message for every credential failure, so ids cannot be probed.
pub const INVALID_CREDENTIALS: &str = "Invalid or missing credentials";

/// Answers a credential failure: 429 once the address is over its limit, else 401.
pub fn credential_failure(throttle: &FailureThrottle, ip: &ClientAddr, message: &str) -> AppError {
    throttled_or(throttle, ip, AppError::Unauthorized(message.to_owned()))
}

/// Counts a failure from `ip`: 429 once the address is over its limit, else `refusal`.
fn throttled_or(throttle: &FailureThrottle, ip: &ClientAddr, refusal: AppError) -> AppError {
    throttle.record_failure(ip);
    blocked_or(throttle, ip, refusal)
}

/// As [`credential_failure`], for an attempt already counted when it reserved its place.
pub fn counted_failure(throttle: &FailureThrottle, ip: &ClientAddr, message: &str) -> AppError {
    blocked_or(throttle, ip, AppError::Unauthorized(message.to_owned()))
}

/// For an attempt already counted when it reserved its place: 429 once the address is over its
/// limit, else `refusal` (a second factor's refusal, not a credential's).
pub fn blocked_or(throttle: &FailureThrottle, ip: &ClientAddr, refusal: AppError) -> AppError {
    match throttle.blocked_for(ip) {
        Some(retry_after_secs) => AppError::RateLimited { retry_after_secs },
        None => refusal,
    }
}

pub async fn authenticate(
    store: &Store,
    throttle: &FailureThrottle,
    bearer: &str,
    ip: &ClientAddr,
) -> AppResult<Arc<TokenRecord>> {
    let Some(presented) = ServiceTokenString::parse(bearer) else {
        return Err(credential_failure(throttle, ip, INVALID_CREDENTIALS));
    };
    let Some(record) = store.token(presented.id).await? else {
        return Err(credential_failure(throttle, ip, INVALID_CREDENTIALS));
    };
    let now = now_millis();
    if !digest_matches(presented.secret.as_bytes(), &record.secret_hash) {
        audit_denial(store, &record, "wrong_secret", ip);
        return Err(credential_failure(throttle, ip, INVALID_CREDENTIALS));
    }
    if let Some(expired_at) = record.expires_at.filter(|&at| is_expired(Some(at), now)) {
        audit_denial(store, &record, "expired", ip);
        let expired = AppError::TokenExpired { expired_at };
        return Err(throttled_or(throttle, ip, expired));
    }
    if !record.allowed_ips.allows(ip) {
        audit_denial(store, &record, "ip_not_allowed", ip);
        return Err(AppError::Forbidden(format!(
            "This service token may not be used from {}",
            ip.describe()
        )));
    }
    store.record_token_use(&record.id, now, ip.ip());
    Ok(record)
}

/// Audits a refused use of a known token (rate-limited by the Store).
pub fn audit_denial(store: &Store, record: &TokenRecord, reason: &str, ip: &ClientAddr) {
    let event = AuditEvent {
        at: now_millis(),
        actor_kind: "service_token",
        actor_id: Some(record.id.clone()),
        action: "service_token.denied",
        project_id: Some(record.project_id.clone()),
        detail: serde_json::json!({ "reason": reason }),
        ip: None,
    };
    store.audit_denial(event.from_client(ip));
}
