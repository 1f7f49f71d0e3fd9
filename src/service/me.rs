//! "Who am I" for a logged-in person: their account as the Account page shows it.

use super::mfa;
use crate::auth::AdminSession;
use crate::db::users;
use crate::db::DbError;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::time::rfc3339;
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    pub id: String,
    pub email: String,
    pub role: String,
    pub mfa: mfa::MfaStatus,
    /// Whether this session may only enrol in MFA or log out.
    pub mfa_enrolment_required: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

pub async fn me(
    store: &Store,
    session: &AdminSession,
    required_by_config: bool,
) -> AppResult<MeView> {
    let id = session.user_id.clone();
    let (user, status) = store
        .read(move |conn| {
            let user = users::find(conn, &id)?;
            let status = mfa::status_in(conn, &id)?;
            Ok::<_, DbError>((user, status))
        })
        .await?;
    let user =
        user.ok_or_else(|| AppError::Unauthorized(String::from("The account no longer exists")))?;
    Ok(MeView {
        id: user.id,
        email: user.email,
        role: user.role.as_str().to_owned(),
        mfa: status,
        mfa_enrolment_required: session.mfa.must_enrol(required_by_config),
        created_at: rfc3339(user.created_at),
        last_login_at: user.last_login_at.map(rfc3339),
    })
}
