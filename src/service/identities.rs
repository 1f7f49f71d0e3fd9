//! Machine identities: create, rename, delete (owners and admins; DESIGN §9), their Universal
//! Auth settings and client secrets, and their project memberships (a project admin's action)
//! with a role (`developer` or `viewer`) and an optional environment list. Every change is
//! audited and names the identity's access tokens in its `Touched`, so a cached token never
//! keeps what the change took away; deleting an identity ends its tokens at once.

use super::{environment, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::db::identities::{
    self as rows, ClientSecretRow, IdentityRow, MembershipRow, UaSettings,
};
use crate::db::DbError;
use crate::domain::{AllowedIps, IdentityRole, Name};
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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipView {
    pub identity_id: String,
    pub project_id: String,
    pub role: String,
    /// `null`: every environment.
    pub environments: Option<Vec<String>>,
    pub created_at: String,
}

fn membership_view(m: &MembershipRow) -> MembershipView {
    MembershipView {
        identity_id: m.identity_id.clone(),
        project_id: m.project_id.clone(),
        role: m.role.clone(),
        environments: m.environments.clone(),
        created_at: rfc3339(m.created_at),
    }
}

/// What a membership grants.
pub struct Grant {
    pub role: IdentityRole,
    pub environments: Option<Vec<String>>,
}

/// Attaches the identity to the project (or changes its grant there). `create` says whether
/// an existing membership is a conflict (POST) or the one to change (PATCH, 404 if none).
pub async fn set_membership(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    identity_id: &str,
    grant: Grant,
    create: Attach,
) -> AppResult<MembershipView> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, identity_id, actor) = (
        project_id.to_owned(),
        identity_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            super::require_project(tx, &project).map_err(super::project_not_found(&project))?;
            found(tx, &identity_id)?;
            if let Some(envs) = &grant.environments {
                if envs.is_empty() {
                    return Err(AppError::validation("environments", "must name at least one environment, or be left out for all"));
                }
                for slug in envs {
                    environment(tx, &project, slug).map_err(|_| {
                        AppError::validation("environments", format!("environment '{}' does not exist in this project", crate::domain::names::truncate_for_message(slug)))
                    })?;
                }
            }
            let exists = rows::membership_exists(tx, &identity_id, &project)?;
            match (create, exists) {
                (Attach::New, true) => return Err(AppError::Conflict(String::from("The identity is already a member of this project; PATCH its membership instead"))),
                (Attach::Existing, false) => return Err(AppError::NotFound(String::from("The identity is not a member of this project"))),
                _ => {}
            }
            let row = MembershipRow {
                identity_id: identity_id.clone(),
                project_id: project.clone(),
                role: grant.role.as_str().to_owned(),
                environments: grant.environments,
                created_at: now_millis(),
            };
            rows::upsert_membership(tx, &row)?;
            actor.record(tx, now_millis(), "identity.membership.set", Some(&project), json!({ "identity": identity_id, "role": row.role, "environments": row.environments }))?;
            let stored = rows::memberships_of(tx, &identity_id)?
                .into_iter()
                .find(|m| m.project_id == project)
                .ok_or_else(|| AppError::internal("a membership just written is gone"))?;
            Ok((membership_view(&stored), its_tokens(tx, &identity_id)?))
        })
        .await
}

/// Whether a membership write adds one or changes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    New,
    Existing,
}

pub async fn list_members(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
) -> AppResult<Vec<MembershipView>> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let project = project_id.to_owned();
    store
        .read(move |conn| -> AppResult<_> {
            super::require_project(conn, &project).map_err(super::project_not_found(&project))?;
            Ok(rows::memberships_in(conn, &project)?
                .iter()
                .map(membership_view)
                .collect())
        })
        .await
}

pub async fn detach(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    identity_id: &str,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ManageMembers)?;
    let (project, identity_id, actor) = (
        project_id.to_owned(),
        identity_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            rows::delete_membership(tx, &identity_id, &project).map_err(|e| match e {
                DbError::NotFound => {
                    AppError::NotFound(String::from("The identity is not a member of this project"))
                }
                other => other.into(),
            })?;
            actor.record(
                tx,
                now_millis(),
                "identity.membership.delete",
                Some(&project),
                json!({ "identity": identity_id }),
            )?;
            Ok(((), its_tokens(tx, &identity_id)?))
        })
        .await
}
