//! Universal Auth: a machine identity logs in with its client id and a client secret, and gets an
//! access token (`mi.<id>.<secret>`) to send as `Authorization: Bearer`; renew and revoke take the
//! token itself. Failed logins count in the per-address failure throttle like every credential.
//! Client secrets are 256 random bits stored as SHA-256: every live secret of the identity found
//! through the client id is compared in constant time (no 4-character prefix lookup needed).

use crate::auth::identity::{self, spent};
use crate::auth::service_token::credential_failure;
use crate::auth::throttle::FailureThrottle;
use crate::crypto::random::{self, digest_matches};
use crate::db::identities::{self as rows, AccessTokenRow};
use crate::domain::ClientAddr;
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, Millis};
use serde::Serialize;

const INVALID: &str = "Invalid credentials";

/// Infisical's login and renew answer: all four keys are required by infisicalsdk.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    pub access_token: String,
    pub expires_in: i64,
    #[serde(rename = "accessTokenMaxTTL")]
    pub access_token_max_ttl: i64,
    pub token_type: &'static str,
}

/// Whether a client secret created at `created_at` with `ttl` seconds has expired at `now`.
fn secret_expired(created_at: Millis, ttl: i64, now: Millis) -> bool {
    ttl > 0 && created_at + ttl * 1000 < now
}

pub async fn login(
    store: &Store,
    throttle: &FailureThrottle,
    client_id: &str,
    client_secret: &str,
    ip: &ClientAddr,
) -> AppResult<Issued> {
    if let Some(retry_after_secs) = throttle.blocked_for(ip) {
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let owned = client_id.to_owned();
    let found = store
        .read(move |conn| -> AppResult<_> {
            let Some(identity) = rows::find_by_client_id(conn, &owned)? else {
                return Ok(None);
            };
            let secrets = rows::secrets_of(conn, &identity.id)?;
            Ok(Some((identity, secrets)))
        })
        .await?;
    let Some((identity, secrets)) = found else {
        return Err(credential_failure(throttle, ip, INVALID));
    };
    if !identity.settings.client_secret_trusted_ips.allows(ip) {
        return Err(AppError::Forbidden(String::from(
            "You are not allowed to access this resource from the current IP address",
        )));
    }
    // Every candidate is compared, so the time taken does not tell which one matched.
    let matched = secrets
        .iter()
        .filter(|s| digest_matches(client_secret.as_bytes(), &s.secret_hash))
        .fold(None, |found, s| found.or(Some(s.clone())));
    let Some(secret) = matched else {
        return Err(credential_failure(throttle, ip, INVALID));
    };
    let now = now_millis();
    if secret_expired(secret.created_at, secret.ttl, now) {
        return Err(credential_failure(
            throttle,
            ip,
            "Access denied due to expired client secret",
        ));
    }
    let token_secret = random::hex16();
    let token = AccessTokenRow {
        id: random::hex16(),
        identity_id: identity.id.clone(),
        secret_hash: random::sha256(token_secret.as_bytes()).to_vec(),
        ttl: identity.settings.access_token_ttl,
        max_ttl: identity.settings.access_token_max_ttl,
        num_uses_limit: identity.settings.access_token_num_uses_limit,
        num_uses: 0,
        created_at: now,
        last_renewed_at: None,
    };
    let (secret_id, limit) = (secret.id.clone(), secret.num_uses_limit);
    let issued = Issued {
        access_token: format!("{}{}.{token_secret}", identity::TOKEN_PREFIX, token.id),
        expires_in: token.ttl,
        access_token_max_ttl: token.max_ttl,
        token_type: "Bearer",
    };
    // The use limit is checked again where it is counted, so parallel logins cannot pass it.
    let used_up = store
        .write(move |tx| -> AppResult<(bool, Touched)> {
            let uses = rows::secrets_of(tx, &token.identity_id)?
                .into_iter()
                .find(|s| s.id == secret_id)
                .map(|s| s.num_uses);
            match uses {
                None => return Ok((true, Touched::nothing())),
                Some(n) if limit > 0 && n >= limit => return Ok((true, Touched::nothing())),
                Some(_) => {}
            }
            rows::use_secret(tx, &secret_id, now)?;
            rows::insert_token(tx, &token)?;
            Ok((false, Touched::nothing()))
        })
        .await?;
    if used_up {
        return Err(credential_failure(
            throttle,
            ip,
            "Access denied due to client secret usage limit reached",
        ));
    }
    Ok(issued)
}

/// Extends a live token's TTL from now; never past its max TTL (refused, as Infisical does).
pub async fn renew(
    store: &Store,
    throttle: &FailureThrottle,
    token: &str,
    ip: &ClientAddr,
) -> AppResult<Issued> {
    let record = identity::verified(store, throttle, token, ip).await?;
    let now = now_millis();
    if let Some(why) = spent(&record, now) {
        return Err(identity::end(store, &record, why).await);
    }
    if record.max_ttl > 0 && now + record.ttl * 1000 > record.created_at + record.max_ttl * 1000 {
        return Err(AppError::Unauthorized(String::from(
            "Failed to renew MI access token past its Max TTL expiration",
        )));
    }
    let id = record.id.clone();
    store
        .write(move |tx| {
            rows::renew_token(tx, &id, now)?;
            Ok::<_, AppError>(((), Touched::tokens([id])))
        })
        .await?;
    Ok(Issued {
        access_token: token.to_owned(),
        expires_in: record.ttl,
        access_token_max_ttl: record.max_ttl,
        token_type: "Bearer",
    })
}

pub async fn revoke(
    store: &Store,
    throttle: &FailureThrottle,
    token: &str,
    ip: &ClientAddr,
) -> AppResult<()> {
    let record = identity::verified(store, throttle, token, ip).await?;
    identity::delete(store, &record).await
}
