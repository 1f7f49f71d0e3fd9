//! Authenticating a service token. Order (DESIGN §4): parse → look up id → verify secret →
//! expiry → allowed IPs. Expiry comes after the secret, so only a holder of the secret learns that
//! a token has expired. No slow hash and no write on this path.

use super::token_cache::TokenRecord;
use crate::crypto::random::digest_matches;
use crate::db::audit::AuditEvent;
use crate::db::tokens;
use crate::domain::expiry::is_expired;
use crate::domain::ServiceTokenString;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::time::now_millis;
use std::net::IpAddr;
use std::sync::Arc;

/// The one message for every credential failure, so ids cannot be probed.
pub const INVALID_CREDENTIALS: &str = "Invalid or missing credentials";
pub const EXPIRED: &str = "Service token has expired";

/// Answers a credential failure: 429 once the address is over its limit, else 401.
pub fn credential_failure(state: &AppState, ip: IpAddr, message: &str) -> AppError {
    state.throttle.record_failure(ip);
    match state.throttle.blocked_for(ip) {
        Some(retry_after_secs) => AppError::RateLimited { retry_after_secs },
        None => AppError::Unauthorized(message.to_owned()),
    }
}

async fn load(state: &AppState, id: &str) -> AppResult<Option<Arc<TokenRecord>>> {
    if let Some(record) = state.tokens.get(id) {
        return Ok(Some(record));
    }
    let epoch = state.tokens.epoch();
    let owned = id.to_owned();
    let row = state.db.run(move |conn| tokens::find(conn, &owned)).await?;
    Ok(row.map(|row| {
        let record = Arc::new(TokenRecord::from_row(row));
        state.tokens.insert(record.clone(), epoch);
        record
    }))
}

pub async fn authenticate(
    state: &AppState,
    bearer: &str,
    ip: IpAddr,
) -> AppResult<Arc<TokenRecord>> {
    let Some(presented) = ServiceTokenString::parse(bearer) else {
        return Err(credential_failure(state, ip, INVALID_CREDENTIALS));
    };
    let Some(record) = load(state, presented.id).await? else {
        return Err(credential_failure(state, ip, INVALID_CREDENTIALS));
    };
    let now = now_millis();
    if !digest_matches(presented.secret.as_bytes(), &record.secret_hash) {
        audit_denial(state, &record, "wrong_secret", ip);
        return Err(credential_failure(state, ip, INVALID_CREDENTIALS));
    }
    if is_expired(record.expires_at, now) {
        audit_denial(state, &record, "expired", ip);
        return Err(credential_failure(state, ip, EXPIRED));
    }
    if !record.allowed_ips.allows(ip) {
        audit_denial(state, &record, "ip_not_allowed", ip);
        return Err(AppError::Forbidden(format!(
            "This service token may not be used from {ip}"
        )));
    }
    state.last_used.record(&record.id, now, ip);
    Ok(record)
}

/// Audits a refused use of a known token (rate-limited).
pub fn audit_denial(state: &AppState, record: &TokenRecord, reason: &str, ip: IpAddr) {
    state.denials.record(
        &state.db,
        AuditEvent {
            at: now_millis(),
            actor_kind: "service_token",
            actor_id: Some(record.id.clone()),
            action: "service_token.denied",
            project_id: Some(record.project_id.clone()),
            detail: serde_json::json!({ "reason": reason }),
            ip: Some(ip.to_string()),
        },
    );
}
