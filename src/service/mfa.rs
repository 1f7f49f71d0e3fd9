//! TOTP multi-factor authentication: enrolment (a pending secret for ten minutes, confirmed by a
//! code), recovery codes, turning it off, the second factor of a login, and the owner's
//! "everyone must use MFA" setting.
//!
//! A code is checked and spent in one transaction: the TOTP step is recorded as used (a code is
//! accepted once, and no older one after it), a recovery code is marked used, so two requests
//! racing with one code cannot both get through.

use super::passwords::{verify_own_password, wrong_field};
use super::Actor;
use crate::auth::throttle::FailureThrottle;
use crate::auth::AdminSession;
use crate::crypto::random::sha256;
use crate::crypto::totp;
use crate::db::{meta, mfa, DbError};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Guards;
use crate::store::{Store, Touched};
use crate::time::{now_millis, Millis};
use rusqlite::Connection;
use serde::Serialize;

/// How long an enrolment waits for its first code.
pub const PENDING_MS: Millis = 10 * 60 * 1000;
/// How many recovery codes a set has.
pub const RECOVERY_CODES: usize = 10;
/// The issuer authenticator apps show.
const ISSUER: &str = "Envkeep";

/// What a started enrolment shows once: the secret for typing, and the URL the QR code carries.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
}

/// A user's MFA as shown to them.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

/// How a second factor was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Totp,
    RecoveryCode { left: i64 },
}

impl Factor {
    pub fn audit_name(&self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::RecoveryCode { .. } => "recovery_code",
        }
    }
}

pub fn status_in(conn: &Connection, user_id: &str) -> Result<MfaStatus, DbError> {
    let enabled = mfa::totp(conn, user_id)?.is_some_and(|row| row.confirmed_at.is_some());
    Ok(MfaStatus {
        enabled,
        recovery_codes_left: if enabled {
            mfa::recovery_codes_left(conn, user_id)?
        } else {
            0
        },
    })
}

pub async fn status(store: &Store, user_id: &str) -> AppResult<MfaStatus> {
    let user_id = user_id.to_owned();
    Ok(store.read(move |conn| status_in(conn, &user_id)).await?)
}

/// Checks `presented` (a TOTP code or a recovery code) for `user_id` and spends it, inside the
/// caller's transaction. `None`: wrong, already used, or the user has no MFA.
pub fn spend_code_in(
    tx: &Connection,
    store: &Store,
    user_id: &str,
    presented: &str,
    now: Millis,
    actor: &Actor,
) -> AppResult<Option<Factor>> {
    let Some(row) = mfa::totp(tx, user_id)?.filter(|row| row.confirmed_at.is_some()) else {
        return Ok(None);
    };
    if let Some(normal) = totp::normalise_recovery_code(presented) {
        if !mfa::use_recovery_code(tx, user_id, &sha256(normal.as_bytes()), now)? {
            return Ok(None);
        }
        let left = mfa::recovery_codes_left(tx, user_id)?;
        let detail = serde_json::json!({ "userId": user_id, "left": left });
        actor.record(tx, now, "mfa.recovery_code_used", None, detail)?;
        return Ok(Some(Factor::RecoveryCode { left }));
    }
    let secret = store.open_totp_secret(user_id, &row.sealed_secret)?;
    let Some(step) = totp::verify(&secret, presented, now / 1000, row.last_step) else {
        return Ok(None);
    };
    Ok(mfa::use_step(tx, user_id, step)?.then_some(Factor::Totp))
}

/// Spends a second factor in its own transaction; a wrong one counts as a failure of the
/// address (the caller's reservation) and answers `refusal`.
pub async fn spend_code(
    store: &Store,
    throttle: &FailureThrottle,
    session: &AdminSession,
    presented: &str,
) -> AppResult<Factor> {
    let attempt = throttle
        .reserve(&session.ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let (writer, user_id, presented) =
        (store.clone(), session.user_id.clone(), presented.to_owned());
    let actor = Actor::admin(session);
    let factor = store
        .write(move |tx| {
            let factor = spend_code_in(tx, &writer, &user_id, &presented, now_millis(), &actor)?;
            Ok::<_, AppError>((factor, Touched::nothing()))
        })
        .await?;
    match factor {
        Some(factor) => {
            throttle.succeeded(attempt);
            Ok(factor)
        }
        None => Err(wrong_field(
            throttle,
            &session.ip,
            "code",
            "is wrong or already used",
        )),
    }
}

/// Starts (or restarts) enrolment after checking the password: a new pending secret.
pub async fn begin(
    store: &Store,
    guards: &Guards<'_>,
    session: &AdminSession,
    password: &str,
) -> AppResult<Enrolment> {
    verify_own_password(store, guards, session, "password", password).await?;
    let secret = totp::new_secret();
    let sealed = store.seal_totp_secret(&session.user_id, &secret);
    let (user_id, actor) = (session.user_id.clone(), Actor::admin(session));
    store
        .write(move |tx| {
            if status_in(tx, &user_id)?.enabled {
                return Err(AppError::Conflict(String::from(
                    "MFA is already on; turn it off first to enrol a new authenticator",
                )));
            }
            let now = now_millis();
            mfa::put_pending(tx, &user_id, &sealed, now, now + PENDING_MS)?;
            actor.record(
                tx,
                now,
                "mfa.enrolment_started",
                None,
                serde_json::json!({}),
            )?;
            Ok(((), Touched::user(&user_id)))
        })
        .await?;
    Ok(Enrolment {
        secret: totp::secret_base32(&secret),
        otpauth_url: totp::otpauth_url(ISSUER, &session.email, &secret),
    })
}

/// The enrolment still waiting for its code, shown again after a wrong one so the person need
/// not scan a new QR code; `None` once it expired, was confirmed, or never began.
pub async fn pending_enrolment(
    store: &Store,
    session: &AdminSession,
) -> AppResult<Option<Enrolment>> {
    let user_id = session.user_id.clone();
    let now = now_millis();
    let row = store
        .read(move |conn| mfa::totp(conn, &user_id))
        .await?
        .filter(|row| {
            row.confirmed_at.is_none() && row.pending_expires_at.is_some_and(|at| at > now)
        });
    let Some(row) = row else {
        return Ok(None);
    };
    let secret = store.open_totp_secret(&session.user_id, &row.sealed_secret)?;
    Ok(Some(Enrolment {
        secret: totp::secret_base32(&secret),
        otpauth_url: totp::otpauth_url(ISSUER, &session.email, &secret),
    }))
}

/// Fresh recovery codes, stored as digests in the caller's transaction; the plain codes are
/// returned to be shown once.
fn new_recovery_codes_in(
    tx: &Connection,
    user_id: &str,
    now: Millis,
) -> Result<Vec<String>, DbError> {
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| totp::new_recovery_code())
        .collect();
    let digests: Vec<[u8; 32]> = codes
        .iter()
        .filter_map(|code| totp::normalise_recovery_code(code))
        .map(|normal| sha256(normal.as_bytes()))
        .collect();
    mfa::replace_recovery_codes(tx, user_id, &digests, now)?;
    Ok(codes)
}

/// Confirms a pending enrolment with a code from the authenticator; returns the recovery codes.
pub async fn confirm(
    store: &Store,
    throttle: &FailureThrottle,
    session: &AdminSession,
    code: &str,
) -> AppResult<Vec<String>> {
    let attempt = throttle
        .reserve(&session.ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let (writer, user_id, code) = (store.clone(), session.user_id.clone(), code.to_owned());
    let actor = Actor::admin(session);
    let codes = store
        .write(move |tx| {
            let now = now_millis();
            let pending = mfa::totp(tx, &user_id)?.filter(|row| {
                row.confirmed_at.is_none() && row.pending_expires_at.is_some_and(|at| at > now)
            });
            let Some(row) = pending else {
                return Err(AppError::Conflict(String::from(
                    "No enrolment is waiting for a code (it lasts 10 minutes); start again",
                )));
            };
            let secret = writer.open_totp_secret(&user_id, &row.sealed_secret)?;
            let Some(step) = totp::verify(&secret, &code, now / 1000, None) else {
                return Ok((None, Touched::nothing()));
            };
            mfa::confirm(tx, &user_id, now, step)?;
            let codes = new_recovery_codes_in(tx, &user_id, now)?;
            actor.record(
                tx,
                now,
                "mfa.enabled",
                None,
                serde_json::json!({ "method": "totp" }),
            )?;
            Ok((Some(codes), Touched::user(&user_id)))
        })
        .await?;
    match codes {
        Some(codes) => {
            throttle.succeeded(attempt);
            Ok(codes)
        }
        None => Err(wrong_field(throttle, &session.ip, "code", "is wrong")),
    }
}

/// Turns MFA off, after the password and a current code (or a recovery code).
pub async fn disable(
    store: &Store,
    guards: &Guards<'_>,
    session: &AdminSession,
    password: &str,
    code: &str,
) -> AppResult<()> {
    verify_own_password(store, guards, session, "password", password).await?;
    spend_code(store, guards.throttle, session, code).await?;
    let (user_id, actor) = (session.user_id.clone(), Actor::admin(session));
    store
        .write(move |tx| {
            mfa::remove(tx, &user_id)?;
            actor.record(
                tx,
                now_millis(),
                "mfa.disabled",
                None,
                serde_json::json!({}),
            )?;
            Ok::<_, DbError>(((), Touched::user(&user_id)))
        })
        .await?;
    Ok(())
}

/// A new set of recovery codes (the old set stops working), after the password and a code.
pub async fn regenerate_recovery_codes(
    store: &Store,
    guards: &Guards<'_>,
    session: &AdminSession,
    password: &str,
    code: &str,
) -> AppResult<Vec<String>> {
    verify_own_password(store, guards, session, "password", password).await?;
    spend_code(store, guards.throttle, session, code).await?;
    let (user_id, actor) = (session.user_id.clone(), Actor::admin(session));
    store
        .write(move |tx| {
            if !status_in(tx, &user_id)?.enabled {
                return Err(AppError::Conflict(String::from("MFA is off")));
            }
            let now = now_millis();
            let codes = new_recovery_codes_in(tx, &user_id, now)?;
            actor.record(
                tx,
                now,
                "mfa.recovery_codes_replaced",
                None,
                serde_json::json!({}),
            )?;
            Ok((codes, Touched::user(&user_id)))
        })
        .await
}

/// Removes a user's MFA without a code (the offline `envkeep users reset-mfa`), audited as
/// `actor`; false if the user had none.
pub fn reset_in(tx: &Connection, user_id: &str, actor: &Actor) -> Result<bool, DbError> {
    let removed = mfa::remove(tx, user_id)?;
    let detail = serde_json::json!({ "userId": user_id, "hadMfa": removed });
    actor.record(tx, now_millis(), "mfa.reset", None, detail)?;
    Ok(removed)
}

/// The owner's setting: does everyone have to use MFA?
pub async fn required_by_owner(store: &Store) -> AppResult<bool> {
    Ok(store
        .read(|conn| meta::get(conn, mfa::REQUIRE_MFA_KEY))
        .await?
        .is_some_and(|value| value == [1]))
}

/// Sets the owner's setting; only an owner may.
pub async fn set_required_by_owner(
    store: &Store,
    session: &AdminSession,
    required: bool,
) -> AppResult<()> {
    let (actor, caller) = (Actor::admin(session), session.user_id.clone());
    store
        .write(move |tx| {
            let role = crate::db::users::find(tx, &caller)?.map(|u| u.role);
            if role != Some(crate::domain::InstanceRole::Owner) {
                return Err(AppError::Forbidden(String::from(
                    "Only an owner may change whether MFA is required",
                )));
            }
            meta::set(tx, mfa::REQUIRE_MFA_KEY, &[u8::from(required)])?;
            let detail = serde_json::json!({ "requireMfa": required });
            actor.record(tx, now_millis(), "settings.require_mfa", None, detail)?;
            Ok(((), Touched::nothing()))
        })
        .await
}
