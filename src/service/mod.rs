//! Use cases shared by the native API, the Infisical-compatible API and the UI: each function
//! validates nothing HTTP-specific, checks access, runs one transaction, and audits.

pub mod accounts;
pub mod audit;
pub mod environments;
pub mod fields;
pub mod folders;
pub mod history;
pub mod identities;
pub mod imports;
pub mod invites;
pub mod limits;
pub mod login;
pub mod me;
pub mod members;
pub mod mfa;
pub mod passwords;
pub mod projects;
pub mod reveal;
pub mod scope_preview;
pub mod sealed_fields;
pub mod secrets;
pub mod sessions;
pub mod token_request;
pub mod token_usage;
pub mod tokens;
pub mod universal_auth;
pub mod users;
pub mod views;

use crate::auth::access::{Op, Visibility};
use crate::auth::{AdminSession, Caller};
use crate::db::audit::{self as audit_rows, AuditEvent};
use crate::db::{folders as folder_rows, projects as project_rows, DbError, DbResult};
use crate::domain::names::truncate_for_message;
use crate::domain::{ClientAddr, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::time::Millis;
use rusqlite::Connection;
use secrets::Location;

/// Who did something, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: &'static str,
    pub id: Option<String>,
    /// A snapshot of the actor's name (a user's e-mail) as it was when they acted, so the trail
    /// still says who it was after the account is removed.
    pub name: Option<String>,
    /// Where the request came from; none for the server itself.
    pub ip: Option<ClientAddr>,
}

impl Actor {
    pub fn of(access: &Caller) -> Self {
        Self {
            kind: access.actor_kind(),
            id: Some(access.actor_id().to_owned()),
            name: match access {
                Caller::Admin(session) => Some(session.email.clone()),
                Caller::Token { .. } | Caller::Identity { .. } => None,
            },
            ip: Some(access.ip().clone()),
        }
    }

    pub fn user(user_id: &str, ip: &ClientAddr) -> Self {
        Self {
            kind: "user",
            id: Some(user_id.to_owned()),
            name: None,
            ip: Some(ip.clone()),
        }
    }

    /// A person acting through a session.
    pub fn admin(session: &AdminSession) -> Self {
        Self {
            name: Some(session.email.clone()),
            ..Self::user(&session.user_id, &session.ip)
        }
    }

    pub fn system() -> Self {
        Self {
            kind: "system",
            id: None,
            name: None,
            ip: None,
        }
    }

    pub fn record(
        &self,
        conn: &Connection,
        at: Millis,
        action: &'static str,
        project_id: Option<&str>,
        mut detail: serde_json::Value,
    ) -> DbResult<()> {
        if let (Some(name), Some(fields)) = (&self.name, detail.as_object_mut()) {
            fields.insert(String::from("actorName"), name.clone().into());
        }
        let event = AuditEvent {
            at,
            actor_kind: self.kind,
            actor_id: self.id.clone(),
            action,
            project_id: project_id.map(str::to_owned),
            detail,
            ip: None,
        };
        let event = match &self.ip {
            Some(client) => event.from_client(client),
            None => event,
        };
        audit_rows::insert(conn, &event)
    }
}

/// The environment `slug` of a project: the one environment lookup of the use cases. Each miss
/// is a 404 naming what is missing, the project or the environment.
pub(crate) fn environment(
    conn: &Connection,
    project_id: &str,
    slug: &str,
) -> AppResult<project_rows::Environment> {
    if let Some(env) = project_rows::find_environment(conn, project_id, slug)? {
        return Ok(env);
    }
    if project_rows::find(conn, project_id)?.is_none() {
        return Err(AppError::NotFound(format!(
            "Project '{}' was not found",
            truncate_for_message(project_id)
        )));
    }
    Err(AppError::NotFound(format!(
        "Environment '{}' was not found in this project",
        truncate_for_message(slug)
    )))
}

/// The environment, after checking that the folder `path` exists in it (404 naming the folder).
pub(crate) fn locate(
    conn: &Connection,
    project_id: &str,
    env_slug: &str,
    path: &SecretPath,
) -> AppResult<project_rows::Environment> {
    let env = environment(conn, project_id, env_slug)?;
    if !path.is_root() && !folder_rows::exists(conn, &env.id, path.as_str())? {
        return Err(AppError::NotFound(format!(
            "Folder '{path}' was not found in environment '{env_slug}'"
        )));
    }
    Ok(env)
}

/// Maps `DbError::NotFound` to a 404 that names what was missing.
pub(crate) fn not_found(what: impl Into<String>) -> impl FnOnce(DbError) -> AppError {
    let what = what.into();
    move |e| match e {
        DbError::NotFound => AppError::NotFound(what),
        other => other.into(),
    }
}

/// Maps `DbError::NotFound` to the 404 of a project named in the URL.
pub(crate) fn project_not_found(project_id: &str) -> impl FnOnce(DbError) -> AppError {
    not_found(format!("Project '{project_id}' was not found"))
}

/// `DbError::NotFound` unless the project exists, for [`project_not_found`] to name it.
pub(crate) fn require_project(conn: &Connection, project_id: &str) -> DbResult<()> {
    project_rows::find(conn, project_id)?
        .map(drop)
        .ok_or(DbError::NotFound)
}

/// Checks a caller against a project, an operation and a place, auditing a token's refusal
/// (rate-limited) so denied uses show up in the trail, and counting a token's allowed use (in
/// memory; see `store::usage`). Call it once per operation: a pre-check uses [`check_access`].
pub(crate) fn authorize(store: &Store, access: &Caller, op: Op, at: &Location) -> AppResult<()> {
    check_access(store, access, op, at)?;
    count_use(store, access, op, at);
    Ok(())
}

/// As [`authorize`], without counting the use: for a check made before the operation that
/// authorizes (and counts) itself.
pub(crate) fn check_access(store: &Store, access: &Caller, op: Op, at: &Location) -> AppResult<()> {
    let result = access.require(&at.project_id, op, at.environment.as_str(), &at.path);
    audit_refusal(store, access, &result);
    result
}

fn count_use(store: &Store, access: &Caller, op: Op, at: &Location) {
    if let Caller::Token { record, ip } = access {
        let place = crate::store::usage::UsePlace {
            token_id: &record.id,
            project_id: &at.project_id,
            environment: at.environment.as_str(),
            path: at.path.as_str(),
        };
        let what = match op {
            Op::Read => crate::store::usage::Counted::Read,
            Op::Write => crate::store::usage::Counted::Write,
        };
        store.count_token_use(place, what, ip.ip());
    }
}

/// As [`authorize`], for listings that may show only the in-scope part of a subtree.
pub(crate) fn authorize_listing(
    store: &Store,
    access: &Caller,
    at: &Location,
) -> AppResult<Visibility> {
    let result = access.visibility(&at.project_id, Op::Read, at.environment.as_str(), &at.path);
    audit_refusal(store, access, &result);
    if result.is_ok() {
        count_use(store, access, Op::Read, at);
    }
    result
}

fn audit_refusal<T>(store: &Store, access: &Caller, result: &AppResult<T>) {
    if let (
        Err(AppError::PermissionDenied(_) | AppError::Forbidden(_)),
        Caller::Token { record, ip },
    ) = (result, access)
    {
        crate::auth::service_token::audit_denial(store, record, "out_of_scope", ip);
    }
}
