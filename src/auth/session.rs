//! User sessions (of every role; the name is older than teams): a random id in an HttpOnly cookie or as `Authorization: Bearer`, stored as
//! its SHA-256. How the id reaches the server, and the CSRF and origin checks of cookie requests,
//! are HTTP matters handled in `routes::callers`; this module finds the live session.

use super::policy::{self, Action, Principal};
use super::service_token::{credential_failure, INVALID_CREDENTIALS};
use super::throttle::FailureThrottle;
use crate::crypto::random::sha256;
use crate::db::{memberships, sessions, users, DbError};
use crate::domain::{ClientAddr, InstanceRole, Membership};
use crate::error::AppResult;
use crate::store::Store;
use crate::time::now_millis;
use std::collections::HashMap;
use std::sync::Arc;
use subtle::ConstantTimeEq;

pub const COOKIE_NAME: &str = "envkeep_session";

/// Longer presented session ids are refused before hashing.
const MAX_SESSION_ID: usize = 256;

#[derive(Debug, Clone)]
pub struct AdminSession {
    pub user_id: String,
    pub email: String,
    pub role: InstanceRole,
    /// The user's memberships by project id, read with the session (empty for owners and
    /// admins, who act as project admin everywhere).
    pub memberships: Arc<HashMap<String, Membership>>,
    pub csrf_token: String,
    pub id_hash: [u8; 32],
    pub via_cookie: bool,
    /// Where the request came from (unknown behind a proxy that forwarded garbage).
    pub ip: ClientAddr,
    /// The handle people see for this session (the id hash never leaves the server).
    pub public_id: String,
    pub mfa: SessionMfa,
}

/// What the session's user has of MFA, and whether the owner's setting asks everyone for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionMfa {
    pub enrolled: bool,
    pub required_by_owner: bool,
}

impl SessionMfa {
    /// A session that may only enrol in MFA or log out: its user has none while the owner's
    /// setting or `ENVKEEP_REQUIRE_MFA` (`required_by_config`) requires it.
    pub fn must_enrol(&self, required_by_config: bool) -> bool {
        !self.enrolled && (required_by_config || self.required_by_owner)
    }
}

impl AdminSession {
    /// The person as the policy sees them, for an action in `project` (if any).
    pub fn principal(&self, project: Option<&str>) -> Principal<'_> {
        Principal::Person {
            role: self.role,
            membership: project.and_then(|p| self.memberships.get(p)),
        }
    }

    /// The policy's answer for `action` in `project`, as a result (404 for a project this
    /// person may not see, 403 for the rest of what is refused).
    pub fn decide(&self, project: Option<&str>, action: Action) -> AppResult<()> {
        policy::decide(&self.principal(project), project, &action).into_result()
    }
}

/// How the session id was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    Cookie,
    Bearer,
}

/// Constant-time comparison of a presented CSRF token (header or form field) with the session's.
pub fn csrf_tokens_match(presented: Option<&str>, expected: &str) -> bool {
    let presented = presented.unwrap_or("");
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// The live session whose id is `raw`; a missing, malformed or expired one is a credential
/// failure (401, counted towards the address's throttle).
pub async fn authenticate(
    store: &Store,
    throttle: &FailureThrottle,
    raw: &str,
    carrier: Carrier,
    ip: ClientAddr,
) -> AppResult<AdminSession> {
    if raw.is_empty() || raw.len() > MAX_SESSION_ID {
        return Err(credential_failure(throttle, &ip, INVALID_CREDENTIALS));
    }
    let id_hash = sha256(raw.as_bytes());
    let now = now_millis();
    // One trip to the blocking pool reads the session, its user's role and (for a member) the
    // memberships, so the policy sees the state of this very moment: a removed membership or a
    // demotion takes effect on the next request, with no cache to evict.
    let found = store
        .read(move |conn| -> Result<_, DbError> {
            let Some(row) = sessions::find_live(conn, &id_hash, now)? else {
                return Ok(None);
            };
            let role = users::decode_role(&row.user_id, &row.role)?;
            let memberships = match role {
                InstanceRole::Member => memberships::of_user(conn, &row.user_id)?,
                _ => HashMap::new(),
            };
            Ok(Some((row, role, memberships)))
        })
        .await?;
    // The absolute cap (`expires_at`) is checked by the query; the idle expiry here, with the
    // last activity the Store has buffered but not yet written.
    let found = found.filter(|(row, _, _)| !store.session_is_idle(&id_hash, row.last_seen_at, now));
    let Some((row, role, memberships)) = found else {
        return Err(credential_failure(throttle, &ip, INVALID_CREDENTIALS));
    };
    store.record_session_seen(id_hash, row.last_seen_at, now);
    Ok(AdminSession {
        public_id: row.public_id,
        mfa: SessionMfa {
            enrolled: row.mfa_enrolled,
            required_by_owner: row.mfa_required,
        },
        user_id: row.user_id,
        email: row.email,
        role,
        memberships: Arc::new(memberships),
        csrf_token: row.csrf_token,
        id_hash,
        via_cookie: carrier == Carrier::Cookie,
        ip,
    })
}
