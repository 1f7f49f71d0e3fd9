//! Logging in, with a second factor for users who have MFA.
//!
//! The API takes one request, `{email, password, totp?}`: with the password right and the code
//! missing or wrong it answers 401 `MfaRequired`, and that counts against the address like a
//! wrong password (the check comes after the password's, so the answer tells nothing to whoever
//! does not know the password).
//!
//! The UI asks in two steps without re-posting the password: a right password gives a step
//! token (stored as its digest, five minutes, single use); the code form sends the token back.
//! A wrong code spends the token and gives a new one for the same five minutes, at most
//! [`STEP_ATTEMPTS`] times; then the login starts again.

use super::accounts::{check_password, Guards};
use super::mfa::{self, Factor};
use super::sessions::{self, Client, Started};
use super::Actor;
use crate::auth::service_token::blocked_or;
use crate::auth::throttle::Reservation;
use crate::crypto::random;
use crate::db::password_resets::{self as steps, LoginStep};
use crate::db::users::User;
use crate::db::DbError;
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, Millis};

/// How long the code step waits after a right password.
pub const STEP_MS: Millis = 5 * 60 * 1000;
/// Wrong codes one password allows before it has to be typed again.
pub const STEP_ATTEMPTS: i64 = 5;

const CODE_MISSING: &str =
    "This account uses MFA: send the TOTP code (or a recovery code) as `totp`";
const CODE_WRONG: &str = "The TOTP or recovery code is wrong or already used";

fn audit_detail(factor: Option<Factor>) -> serde_json::Value {
    serde_json::json!({ "mfa": factor.map(|f| f.audit_name()) })
}

/// Checks and spends `code` for `user`; `None` if wrong (or the user has no MFA).
async fn spend(
    store: &Store,
    user: &User,
    code: &str,
    client: &Client,
) -> AppResult<Option<Factor>> {
    let (writer, user_id, code) = (store.clone(), user.id.clone(), code.to_owned());
    let actor = Actor::user(&user.id, &client.ip);
    store
        .write(move |tx| {
            let factor = mfa::spend_code_in(tx, &writer, &user_id, &code, now_millis(), &actor)?;
            Ok::<_, AppError>((factor, Touched::nothing()))
        })
        .await
}

/// A refused second factor: counted like a wrong password (the reservation is dropped as a
/// failure) and answered 401 `MfaRequired`, or 429 once over the limit.
fn refused(
    guards: &Guards<'_>,
    user: &User,
    client: &Client,
    attempt: Reservation,
    why: &str,
) -> AppError {
    drop(attempt);
    guards.account_delays.record_failure(&user.email);
    blocked_or(
        guards.throttle,
        &client.ip,
        AppError::MfaRequired(why.to_owned()),
    )
}

/// The API's login: one request, the code in `totp` when the account has MFA.
pub async fn login(
    store: &Store,
    guards: &Guards<'_>,
    email: &str,
    password: &str,
    totp: Option<&str>,
    client: &Client,
) -> AppResult<Started> {
    let (user, attempt) = check_password(store, guards, email, password, &client.ip).await?;
    let factor = if mfa::status(store, &user.id).await?.enabled {
        let Some(code) = totp.filter(|c| !c.trim().is_empty()) else {
            return Err(refused(guards, &user, client, attempt, CODE_MISSING));
        };
        match spend(store, &user, code, client).await? {
            Some(factor) => Some(factor),
            None => return Err(refused(guards, &user, client, attempt, CODE_WRONG)),
        }
    } else {
        None
    };
    guards.throttle.succeeded(attempt);
    sessions::start(
        store,
        &user.id,
        client,
        guards.session_ttl,
        audit_detail(factor),
    )
    .await
}

/// What the UI's password step led to.
pub enum FirstStep {
    Session(Started),
    /// The account has MFA: show the code form with this step token.
    Code {
        step: String,
    },
}

/// What the UI's code step led to.
pub enum SecondStep {
    Session(Started),
    /// The code was wrong: ask again with this new token.
    Retry {
        step: String,
    },
    /// The step is unknown, used, expired or out of attempts: log in again.
    Over,
}

async fn new_step(store: &Store, step: LoginStep) -> AppResult<String> {
    let token = random::hex32();
    let hash = random::sha256(token.as_bytes());
    store
        .write(move |tx| {
            steps::insert_step(tx, &hash, &step, now_millis())?;
            Ok::<_, DbError>(((), Touched::nothing()))
        })
        .await?;
    Ok(token)
}

/// The UI's first step: the password. An account without MFA gets its session at once.
pub async fn first_step(
    store: &Store,
    guards: &Guards<'_>,
    email: &str,
    password: &str,
    client: &Client,
) -> AppResult<FirstStep> {
    let (user, attempt) = check_password(store, guards, email, password, &client.ip).await?;
    guards.throttle.succeeded(attempt);
    if !mfa::status(store, &user.id).await?.enabled {
        let started = sessions::start(
            store,
            &user.id,
            client,
            guards.session_ttl,
            audit_detail(None),
        )
        .await?;
        return Ok(FirstStep::Session(started));
    }
    let step = LoginStep {
        user_id: user.id,
        attempts: 0,
        expires_at: now_millis() + STEP_MS,
    };
    Ok(FirstStep::Code {
        step: new_step(store, step).await?,
    })
}

/// The UI's second step: the step token from the first, and the code.
pub async fn second_step(
    store: &Store,
    guards: &Guards<'_>,
    token: &str,
    code: &str,
    client: &Client,
) -> AppResult<SecondStep> {
    let attempt = guards
        .throttle
        .reserve(&client.ip)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    let hash = random::sha256(token.trim().as_bytes());
    let taken = store
        .write(move |tx| {
            Ok::<_, DbError>((
                steps::take_step(tx, &hash, now_millis())?,
                Touched::nothing(),
            ))
        })
        .await?;
    let Some(step) = taken else {
        return Ok(SecondStep::Over);
    };
    let found = store
        .read({
            let id = step.user_id.clone();
            move |conn| crate::db::users::find(conn, &id)
        })
        .await?;
    let Some(user) = found else {
        return Ok(SecondStep::Over);
    };
    match spend(store, &user, code, client).await? {
        Some(factor) => {
            guards.throttle.succeeded(attempt);
            let started = sessions::start(
                store,
                &user.id,
                client,
                guards.session_ttl,
                audit_detail(Some(factor)),
            )
            .await?;
            Ok(SecondStep::Session(started))
        }
        None => {
            let refusal = refused(guards, &user, client, attempt, CODE_WRONG);
            if matches!(refusal, AppError::RateLimited { .. }) {
                return Err(refusal);
            }
            if step.attempts + 1 >= STEP_ATTEMPTS {
                return Ok(SecondStep::Over);
            }
            let again = LoginStep {
                attempts: step.attempts + 1,
                ..step
            };
            Ok(SecondStep::Retry {
                step: new_step(store, again).await?,
            })
        }
    }
}
