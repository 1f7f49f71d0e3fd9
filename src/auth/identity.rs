//! Authenticating a machine identity's access token (`mi.<id>.<secret>`, 128 random bits stored
//! as SHA-256). Checks on every use, in Infisical's order: the token exists (not revoked), the
//! secret matches, the access-token trusted IPs, the use limit, the TTL from the last renewal (or
//! creation), never past the max TTL. No slow hash and no write on an accepted use: the record
//! comes from the Store's cache and the use is counted there. A token found used up or expired is
//! deleted (a write only on that refusal).

use super::service_token::{credential_failure, INVALID_CREDENTIALS};
use super::throttle::FailureThrottle;
use crate::crypto::random::digest_matches;
use crate::domain::ClientAddr;
use crate::error::{AppError, AppResult};
use crate::store::{IdentityTokenRecord, Store, Touched};
use crate::time::{now_millis, Millis};
use std::sync::Arc;

pub const TOKEN_PREFIX: &str = "mi.";

/// `mi.<32 hex id>.<32 hex secret>` → (id, secret).
pub fn parse(bearer: &str) -> Option<(&str, &str)> {
    let rest = bearer.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('.')?;
    let hex32 =
        |s: &str| s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (hex32(id) && hex32(secret)).then_some((id, secret))
}

/// Why a live token is refused before its use is counted.
pub enum Spent {
    Uses,
    Ttl,
    MaxTtl,
}

impl Spent {
    pub fn message(&self) -> &'static str {
        match self {
            Spent::Uses => "Unable to renew because access token number of uses limit reached",
            Spent::Ttl => "Failed to renew MI access token due to TTL expiration",
            Spent::MaxTtl => "Failed to renew MI access token due to Max TTL expiration",
        }
    }
}

/// The limits a token has reached at `now`, if any (uses, then TTL, then max TTL).
pub fn spent(record: &IdentityTokenRecord, now: Millis) -> Option<Spent> {
    if record.num_uses_limit > 0 && record.uses() >= record.num_uses_limit {
        return Some(Spent::Uses);
    }
    let renewed = record.last_renewed_at.unwrap_or(record.created_at);
    if record.ttl > 0 && renewed + record.ttl * 1000 < now {
        return Some(Spent::Ttl);
    }
    if record.max_ttl > 0 && record.created_at + record.max_ttl * 1000 < now {
        return Some(Spent::MaxTtl);
    }
    None
}

/// The live token's record, its secret checked; `None` (a counted failure) otherwise.
pub async fn verified(
    store: &Store,
    throttle: &FailureThrottle,
    bearer: &str,
    ip: &ClientAddr,
) -> AppResult<Arc<IdentityTokenRecord>> {
    let Some((id, secret)) = parse(bearer) else {
        return Err(credential_failure(throttle, ip, INVALID_CREDENTIALS));
    };
    let Some(record) = store.identity_token(id).await? else {
        return Err(credential_failure(throttle, ip, INVALID_CREDENTIALS));
    };
    if !digest_matches(secret.as_bytes(), &record.secret_hash) {
        return Err(credential_failure(throttle, ip, INVALID_CREDENTIALS));
    }
    Ok(record)
}

/// Deletes the token (its cached record goes before this returns).
pub async fn delete(store: &Store, record: &IdentityTokenRecord) -> AppResult<()> {
    let id = record.id.clone();
    store
        .write(move |tx| {
            crate::db::identities::delete_token(tx, &id)?;
            Ok::<_, AppError>(((), Touched::tokens([id])))
        })
        .await
}

/// Deletes a spent token and answers its 401.
pub async fn end(store: &Store, record: &IdentityTokenRecord, why: Spent) -> AppError {
    match delete(store, record).await {
        Ok(()) => AppError::Unauthorized(why.message().to_owned()),
        Err(e) => e,
    }
}

pub async fn authenticate(
    store: &Store,
    throttle: &FailureThrottle,
    bearer: &str,
    ip: &ClientAddr,
) -> AppResult<Arc<IdentityTokenRecord>> {
    let record = verified(store, throttle, bearer, ip).await?;
    if !record.trusted_ips.allows(ip) {
        return Err(AppError::Forbidden(String::from(
            "You are not allowed to access this resource from the current IP address",
        )));
    }
    let now = now_millis();
    if let Some(why) = spent(&record, now) {
        return Err(end(store, &record, why).await);
    }
    let count = store.count_identity_use(&record, now);
    if record.num_uses_limit > 0 && count > record.num_uses_limit {
        return Err(end(store, &record, Spent::Uses).await);
    }
    Ok(record)
}
