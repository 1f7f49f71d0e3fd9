//! Service tokens: mint, list, revoke. There is no update: to change a token, mint a new one and
//! revoke the old. The full token leaves the server once, in the mint response; the store keeps
//! only the SHA-256 of the secret part and the project wire key sealed under the key part.

use super::views::{ScopeView, ServiceTokenView};
use super::{not_found, project_not_found, require_project, Actor};
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::crypto::random;
use crate::crypto::wire::{self, WireCiphertext};
use crate::db::tokens::{self, TokenRow};
use crate::db::users::{self, User};
use crate::db::{projects, DbError};
use crate::domain::expiry::is_expired;
use crate::domain::{AllowedIps, EnvSlug, ExpiresIn, Name, Permissions, ScopeGlob};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{Store, Touched};
use crate::time::{now_millis, rfc3339, Millis};

pub const MAX_SCOPES: usize = 50;

/// A validated mint request.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: Name,
    pub scopes: Vec<(EnvSlug, ScopeGlob)>,
    pub permissions: Permissions,
    pub expires_in: ExpiresIn,
    pub allowed_ips: AllowedIps,
    /// Infisical's create route: the client wraps the project key itself and keeps the key part.
    pub client_wrapped_key: Option<WireCiphertext>,
}

pub struct Minted {
    /// `st.<id>.<secret>.<key>` (native) or `st.<id>.<secret>` (client-wrapped key).
    pub token: String,
    pub view: ServiceTokenView,
}

/// Where a token's creator stands now (tokens survive their creator, DESIGN §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatorStatus {
    Active,
    Disabled,
    Removed,
}

impl CreatorStatus {
    pub fn of(user: Option<&User>) -> Self {
        match user {
            None => Self::Removed,
            Some(user) if user.disabled => Self::Disabled,
            Some(_) => Self::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Removed => "removed",
        }
    }
}

/// The creator of a token, by the id it recorded (an e-mail can come back as a new person).
fn creator(conn: &rusqlite::Connection, row: &TokenRow) -> Result<Option<User>, DbError> {
    match &row.created_by_user_id {
        Some(id) => users::find(conn, id),
        None => Ok(None),
    }
}

/// The environments a token's scopes name, for the policy's "tokens within reach".
fn scope_environments(scopes: &[(EnvSlug, ScopeGlob)]) -> Vec<&str> {
    scopes.iter().map(|(env, _)| env.as_str()).collect()
}

pub fn view(
    row: &TokenRow,
    now: Millis,
    pending_use: Option<(Millis, Option<String>)>,
    creator: CreatorStatus,
) -> ServiceTokenView {
    let (last_used_at, last_used_ip) = match pending_use {
        Some((at, ip)) if Some(at) > row.last_used_at => (Some(at), ip),
        _ => (row.last_used_at, row.last_used_ip.map(|ip| ip.to_string())),
    };
    ServiceTokenView {
        id: row.id.clone(),
        project_id: row.project_id.clone(),
        name: row.name.as_str().to_owned(),
        scopes: row
            .scopes
            .iter()
            .map(|(environment, glob)| ScopeView {
                environment: environment.as_str().to_owned(),
                secret_path: glob.as_str().to_owned(),
            })
            .collect(),
        permissions: row.permissions.to_list(),
        expires_at: row.expires_at.map(rfc3339),
        expired: is_expired(row.expires_at, now),
        allowed_ips: row.allowed_ips.to_strings(),
        created_at: rfc3339(row.created_at),
        created_by: row.created_by.clone(),
        created_by_id: row.created_by_user_id.clone(),
        creator_status: creator.as_str(),
        last_used_at: last_used_at.map(rfc3339),
        last_used_ip,
    }
}

pub async fn mint(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    new: NewToken,
) -> AppResult<Minted> {
    let environments = scope_environments(&new.scopes);
    session.decide(
        Some(project_id),
        Action::ManageTokens {
            environments: &environments,
        },
    )?;
    let keys = store.project_keys(project_id).await?;
    let (id, secret) = (random::hex16(), random::hex16());
    let now = now_millis();
    let (key_part, wrapped) = match new.client_wrapped_key.clone() {
        Some(wrapped) => (None, wrapped),
        None => {
            let key = random::hex16();
            let wrapped = wire::encrypt(&key, keys.wire_hex.as_bytes())?;
            (Some(key), wrapped)
        }
    };
    let row = TokenRow {
        id: id.clone(),
        project_id: project_id.to_owned(),
        name: new.name,
        secret_hash: random::sha256(secret.as_bytes()).to_vec(),
        encrypted_key: wrapped.ciphertext,
        iv: wrapped.iv,
        tag: wrapped.tag,
        permissions: new.permissions,
        expires_at: new.expires_in.expires_at(now),
        allowed_ips: new.allowed_ips,
        created_by: session.email.clone(),
        created_by_user_id: Some(session.user_id.clone()),
        created_at: now,
        last_used_at: None,
        last_used_ip: None,
        scopes: new.scopes,
    };
    let minted_view = view(&row, now, None, CreatorStatus::Active);
    let scopes: Vec<[&str; 2]> = minted_view
        .scopes
        .iter()
        .map(|s| [s.environment.as_str(), s.secret_path.as_str()])
        .collect();
    let detail = serde_json::json!({ "tokenId": row.id, "name": minted_view.name, "scopes": scopes, "permissions": minted_view.permissions, "expiresAt": row.expires_at });
    let (stored, actor, project) = (row, Actor::admin(session), project_id.to_owned());
    store
        .write(move |tx| {
            let mut unknown = Vec::new();
            for (i, (env, _)) in stored.scopes.iter().enumerate() {
                if projects::find_environment(tx, &project, env.as_str())?.is_none() {
                    unknown.push(FieldError::new(
                        format!("scopes[{i}].environment"),
                        format!(
                            "environment '{}' does not exist in this project",
                            env.as_str()
                        ),
                    ));
                }
            }
            if !unknown.is_empty() {
                return Err(AppError::Validation(unknown));
            }
            tokens::insert(tx, &stored)?;
            actor.record(tx, now, "service_token.create", Some(&project), detail)?;
            // A new id: nothing cached can name it.
            Ok(((), Touched::nothing()))
        })
        .await?;
    let token = match key_part {
        Some(key) => format!("st.{id}.{secret}.{key}"),
        None => format!("st.{id}.{secret}"),
    };
    Ok(Minted {
        token,
        view: minted_view,
    })
}

/// The project's tokens within the caller's reach: all of them for a project admin, for a
/// developer only those whose every scope lies in its environments.
pub async fn list(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
) -> AppResult<Vec<ServiceTokenView>> {
    let project = Some(project_id);
    session.decide(project, Action::ManageTokens { environments: &[] })?;
    let id = project_id.to_owned();
    let rows = store
        .read(move |conn| {
            require_project(conn, &id)?;
            let mut rows = Vec::new();
            for row in tokens::list_for_project(conn, &id)? {
                let status = CreatorStatus::of(creator(conn, &row)?.as_ref());
                rows.push((row, status));
            }
            Ok(rows)
        })
        .await
        .map_err(project_not_found(project_id))?;
    let now = now_millis();
    Ok(rows
        .iter()
        .filter(|(row, _)| {
            let environments = scope_environments(&row.scopes);
            let reach = Action::ManageTokens {
                environments: &environments,
            };
            session.decide(project, reach).is_ok()
        })
        .map(|(row, status)| view(row, now, store.pending_token_use(&row.id), *status))
        .collect())
}

/// One token's metadata, with its buffered last use.
pub async fn find(
    store: &Store,
    token_id: &str,
) -> AppResult<Option<(TokenRow, ServiceTokenView)>> {
    Ok(find_with_creator(store, token_id)
        .await?
        .map(|(row, view, _)| (row, view)))
}

/// [`find`], with the account that minted the token, in one trip to the store (Infisical's
/// token-details answer names its creator).
pub async fn find_with_creator(
    store: &Store,
    token_id: &str,
) -> AppResult<Option<(TokenRow, ServiceTokenView, Option<User>)>> {
    let id = token_id.to_owned();
    let found = store
        .read(move |conn| -> Result<_, DbError> {
            let Some(row) = tokens::find_usable(conn, &id)? else {
                return Ok(None);
            };
            let creator = creator(conn, &row)?;
            Ok(Some((row, creator)))
        })
        .await?;
    Ok(found.map(|(row, creator)| {
        let status = CreatorStatus::of(creator.as_ref());
        let view = view(&row, now_millis(), store.pending_token_use(&row.id), status);
        (row, view, creator)
    }))
}

pub async fn revoke(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    token_id: &str,
) -> AppResult<()> {
    session.decide(Some(project_id), Action::ManageTokens { environments: &[] })?;
    if let Some((row, _)) = find(store, token_id).await? {
        if row.project_id == project_id {
            let environments = scope_environments(&row.scopes);
            let reach = Action::ManageTokens {
                environments: &environments,
            };
            session.decide(Some(project_id), reach)?;
        }
    }
    let (project, id, actor) = (
        project_id.to_owned(),
        token_id.to_owned(),
        Actor::admin(session),
    );
    store
        .write(move |tx| {
            if !tokens::delete(tx, &project, &id)? {
                return Err(DbError::NotFound);
            }
            actor.record(
                tx,
                now_millis(),
                "service_token.revoke",
                Some(&project),
                serde_json::json!({ "tokenId": id }),
            )?;
            Ok(((), Touched::tokens([id])))
        })
        .await
        .map_err(not_found(format!(
            "Service token '{token_id}' was not found in project '{project_id}'"
        )))?;
    Ok(())
}
