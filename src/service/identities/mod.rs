//! Machine identities: create, rename, delete (owners and admins; DESIGN §9), their Universal
//! Auth settings and client secrets, and their project memberships (a project admin's action)
//! with a role (`developer` or `viewer`) and an optional environment list. Every change is
//! audited and names the identity's access tokens in its `Touched`, so a cached token never
//! keeps what the change took away; deleting an identity ends its tokens at once.

use super::Actor;
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::identities::{self as rows, IdentityRow, UaSettings};
use crate::domain::{AllowedIps, Name};
use crate::error::{AppError, AppResult};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

/// Infisical's defaults: 2 hours, 30 days.
pub const DEFAULT_TTL: i64 = 7_200;
pub const DEFAULT_MAX_TTL: i64 = 2_592_000;
/// The largest TTL accepted (Infisical's: ten years).
pub const MAX_TTL: i64 = 315_360_000;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    pub id: String,
    pub name: String,
    pub client_id: String,
    #[serde(rename = "accessTokenTTL")]
    pub access_token_ttl: i64,
    #[serde(rename = "accessTokenMaxTTL")]
    pub access_token_max_ttl: i64,
    pub access_token_num_uses_limit: i64,
    pub client_secret_trusted_ips: Vec<String>,
    pub access_token_trusted_ips: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn view(row: &IdentityRow) -> IdentityView {
    IdentityView {
        id: row.id.clone(),
        name: row.name.clone(),
        client_id: row.client_id.clone(),
        access_token_ttl: row.settings.access_token_ttl,
        access_token_max_ttl: row.settings.access_token_max_ttl,
        access_token_num_uses_limit: row.settings.access_token_num_uses_limit,
        client_secret_trusted_ips: row.settings.client_secret_trusted_ips.to_strings(),
        access_token_trusted_ips: row.settings.access_token_trusted_ips.to_strings(),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    }
}

fn found(conn: &Connection, id: &str) -> AppResult<IdentityRow> {
    rows::find(conn, id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "Identity '{}' was not found",
            crate::domain::names::truncate_for_message(id)
        ))
    })
}

/// What a change to the identity makes stale: every access token it holds.
fn its_tokens(conn: &Connection, identity_id: &str) -> AppResult<Touched> {
    Ok(Touched::tokens(rows::token_ids(conn, identity_id)?))
}

pub async fn create(store: &Store, session: &AdminSession, name: Name) -> AppResult<IdentityView> {
    session.decide(None, Action::ManageIdentities)?;
    let actor = Actor::admin(session);
    let created_by = session.user_id.clone();
    store
        .write(move |tx| {
            let now = now_millis();
            let row = IdentityRow {
                id: random::hex16(),
                name: name.as_str().to_owned(),
                client_id: random::hex16(),
                settings: UaSettings {
                    access_token_ttl: DEFAULT_TTL,
                    access_token_max_ttl: DEFAULT_MAX_TTL,
                    access_token_num_uses_limit: 0,
                    client_secret_trusted_ips: AllowedIps::default(),
                    access_token_trusted_ips: AllowedIps::default(),
                },
                created_by: Some(created_by),
                created_at: now,
                updated_at: now,
            };
            rows::insert(tx, &row)?;
            actor.record(
                tx,
                now,
                "identity.create",
                None,
                json!({ "identity": row.id, "name": row.name }),
            )?;
            Ok((view(&row), Touched::nothing()))
        })
        .await
}

/// Owners and admins manage identities; a project admin lists them to attach one.
pub async fn list(store: &Store, session: &AdminSession) -> AppResult<Vec<IdentityView>> {
    if session.decide(None, Action::ManageIdentities).is_err() {
        session.decide(None, Action::CreateProject)?;
    }
    store
        .read(|conn| -> AppResult<_> { Ok(rows::list(conn)?.iter().map(view).collect()) })
        .await
}

pub async fn rename(
    store: &Store,
    session: &AdminSession,
    id: &str,
    name: Name,
) -> AppResult<IdentityView> {
    session.decide(None, Action::ManageIdentities)?;
    let (id, actor) = (id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            found(tx, &id)?;
            let now = now_millis();
            rows::rename(tx, &id, name.as_str(), now)?;
            actor.record(
                tx,
                now,
                "identity.rename",
                None,
                json!({ "identity": id, "name": name.as_str() }),
            )?;
            Ok((view(&found(tx, &id)?), Touched::nothing()))
        })
        .await
}

pub async fn delete(store: &Store, session: &AdminSession, id: &str) -> AppResult<()> {
    session.decide(None, Action::ManageIdentities)?;
    let (id, actor) = (id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let identity = found(tx, &id)?;
            let touched = its_tokens(tx, &id)?;
            rows::delete(tx, &id)?;
            actor.record(
                tx,
                now_millis(),
                "identity.delete",
                None,
                json!({ "identity": id, "name": identity.name }),
            )?;
            Ok(((), touched))
        })
        .await
}

/// New Universal Auth settings; each `None` keeps the stored value.
#[derive(Debug, Default)]
pub struct SettingsChange {
    pub access_token_ttl: Option<i64>,
    pub access_token_max_ttl: Option<i64>,
    pub access_token_num_uses_limit: Option<i64>,
    pub client_secret_trusted_ips: Option<AllowedIps>,
    pub access_token_trusted_ips: Option<AllowedIps>,
}

pub async fn update_settings(
    store: &Store,
    session: &AdminSession,
    id: &str,
    change: SettingsChange,
) -> AppResult<IdentityView> {
    session.decide(None, Action::ManageIdentities)?;
    let (id, actor) = (id.to_owned(), Actor::admin(session));
    store
        .write(move |tx| {
            let mut identity = found(tx, &id)?;
            let s = &mut identity.settings;
            s.access_token_ttl = change.access_token_ttl.unwrap_or(s.access_token_ttl);
            s.access_token_max_ttl = change
                .access_token_max_ttl
                .unwrap_or(s.access_token_max_ttl);
            s.access_token_num_uses_limit = change
                .access_token_num_uses_limit
                .unwrap_or(s.access_token_num_uses_limit);
            if let Some(ips) = change.client_secret_trusted_ips {
                s.client_secret_trusted_ips = ips;
            }
            if let Some(ips) = change.access_token_trusted_ips {
                s.access_token_trusted_ips = ips;
            }
            if s.access_token_max_ttl > 0 && s.access_token_ttl > s.access_token_max_ttl {
                return Err(AppError::validation(
                    "accessTokenTTL",
                    "must not exceed accessTokenMaxTTL",
                ));
            }
            let now = now_millis();
            rows::set_settings(tx, &id, &identity.settings, now)?;
            actor.record(
                tx,
                now,
                "identity.universal_auth.update",
                None,
                json!({ "identity": id }),
            )?;
            let touched = its_tokens(tx, &id)?;
            Ok((view(&found(tx, &id)?), touched))
        })
        .await
}

mod client_secrets;
mod memberships;

pub use client_secrets::{create_secret, list_secrets, revoke_secret, ClientSecretView};
pub use memberships::{detach, list_members, set_membership, Attach, Grant, MembershipView};
