//! An identity's Universal Auth client secrets: created (shown once), listed, revoked.

use super::found;
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::identities::{self as rows, ClientSecretRow};
use crate::db::DbError;
use crate::error::{AppError, AppResult};
use crate::service::Actor;
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSecretView {
    pub id: String,
    pub prefix: String,
    pub description: String,
    pub ttl: i64,
    pub num_uses_limit: i64,
    pub num_uses: i64,
    /// `null` without a use limit.
    pub uses_left: Option<i64>,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub created_at: String,
}

fn secret_view(s: &ClientSecretRow) -> ClientSecretView {
    ClientSecretView {
        id: s.id.clone(),
        prefix: s.prefix.clone(),
        description: s.description.clone(),
        ttl: s.ttl,
        num_uses_limit: s.num_uses_limit,
        num_uses: s.num_uses,
        uses_left: (s.num_uses_limit > 0).then(|| (s.num_uses_limit - s.num_uses).max(0)),
        expires_at: (s.ttl > 0).then(|| rfc3339(s.created_at + s.ttl * 1000)),
        last_used_at: s.last_used_at.map(rfc3339),
        created_at: rfc3339(s.created_at),
    }
}

/// A new client secret: 32 random bytes as hex, shown once.
pub async fn create_secret(
    store: &Store,
    session: &AdminSession,
    identity_id: &str,
    description: String,
    ttl: i64,
    num_uses_limit: i64,
) -> AppResult<(String, ClientSecretView)> {
    session.decide(None, Action::ManageIdentities)?;
    let (identity_id, actor) = (identity_id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            found(tx, &identity_id)?;
            let secret = random::hex32();
            let now = now_millis();
            let row = ClientSecretRow {
                id: random::hex16(),
                identity_id: identity_id.clone(),
                secret_hash: random::sha256(secret.as_bytes()).to_vec(),
                prefix: secret[..4].to_owned(),
                description,
                ttl,
                num_uses_limit,
                num_uses: 0,
                last_used_at: None,
                created_at: now,
            };
            rows::insert_secret(tx, &row)?;
            actor.record(
                tx,
                now,
                "identity.client_secret.create",
                None,
                json!({ "identity": identity_id, "clientSecret": row.id }),
            )?;
            Ok(((secret, secret_view(&row)), Touched::nothing()))
        })
        .await
}

pub async fn list_secrets(
    store: &Store,
    session: &AdminSession,
    identity_id: &str,
) -> AppResult<Vec<ClientSecretView>> {
    session.decide(None, Action::ManageIdentities)?;
    let id = identity_id.to_owned();
    store
        .read(move |conn| -> AppResult<_> {
            found(conn, &id)?;
            Ok(rows::secrets_of(conn, &id)?
                .iter()
                .map(secret_view)
                .collect())
        })
        .await
}

/// Revokes a client secret: no new logins with it (tokens it got stay valid until they end).
pub async fn revoke_secret(
    store: &Store,
    session: &AdminSession,
    identity_id: &str,
    secret_id: &str,
) -> AppResult<()> {
    session.decide(None, Action::ManageIdentities)?;
    let (identity_id, secret_id, actor) = (
        identity_id.to_owned(),
        secret_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            found(tx, &identity_id)?;
            rows::delete_secret(tx, &identity_id, &secret_id).map_err(|e| match e {
                DbError::NotFound => {
                    AppError::NotFound(String::from("Client secret was not found"))
                }
                other => other.into(),
            })?;
            actor.record(
                tx,
                now_millis(),
                "identity.client_secret.revoke",
                None,
                json!({ "identity": identity_id, "clientSecret": secret_id }),
            )?;
            Ok(((), Touched::nothing()))
        })
        .await
}
