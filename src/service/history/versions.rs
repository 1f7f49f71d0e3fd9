//! Reading history: a secret's versions (newest first, the current one included) and the trash.

use super::{check, Need};
use crate::auth::Caller;
use crate::db::history::{self, Author, TrashRow, VersionRow};
use crate::db::projects;
use crate::db::secrets::{self, SecretRow};
use crate::domain::SecretKey;
use crate::error::{AppError, AppResult};
use crate::service::environment;
use crate::service::history::record::{live_pair, open_version};
use crate::service::secrets::Location;
use crate::store::{ProjectKeys, Store};
use crate::time::{rfc3339, Millis};
use rusqlite::Connection;
use serde::Serialize;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ActorView {
    pub kind: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
}

impl From<Author> for ActorView {
    fn from(a: Author) -> Self {
        Self {
            kind: a.kind,
            id: a.id,
            name: a.name,
        }
    }
}

/// One version: its pair (none for a `delete` entry or an unreadable one), who made it and how.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    pub version: i64,
    pub value: Option<String>,
    pub comment: Option<String>,
    pub created_at: String,
    pub actor: ActorView,
    pub action: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionsPage {
    pub versions: Vec<VersionView>,
    pub next_cursor: Option<String>,
}

/// A page's size: `limit` from 1 to [`MAX_LIMIT`] (default [`DEFAULT_LIMIT`]).
pub fn page_size(limit: Option<usize>) -> AppResult<usize> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(AppError::validation(
            "limit",
            format!("must be from 1 to {MAX_LIMIT}"),
        )),
    }
}

fn version_cursor(raw: Option<&str>) -> AppResult<Option<i64>> {
    raw.map(|c| {
        c.parse::<i64>()
            .map_err(|_| AppError::validation("cursor", "not a cursor this API gave"))
    })
    .transpose()
}

/// The versions of the secret `key` at `at`: the live one's, or else the most recently trashed
/// one's there (its prior versions and its `delete` entry).
pub async fn of_key(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
    cursor: Option<&str>,
    limit: usize,
) -> AppResult<VersionsPage> {
    check(
        store,
        access,
        &at.project_id,
        at.environment.as_str(),
        Need::Read,
    )?;
    let before = version_cursor(cursor)?;
    let keys = store.project_keys(&at.project_id).await?;
    let (at, key) = (at.clone(), key.clone());
    store
        .read(move |conn| {
            let env = environment(conn, &at.project_id, at.environment.as_str())?;
            let place = (at.path.as_str(), key.as_str());
            if let Some(live) = secrets::find(conn, &env.id, place.0, place.1)? {
                return page(
                    conn,
                    &keys,
                    &at.project_id,
                    Some(&live),
                    &live.id,
                    before,
                    limit,
                );
            }
            match history::trashed_at(conn, &env.id, place.0, place.1)? {
                Some(trashed) => page(
                    conn,
                    &keys,
                    &at.project_id,
                    None,
                    &trashed.secret_id,
                    before,
                    limit,
                ),
                None => Err(crate::service::secrets::missing_secret(&key, &at)),
            }
        })
        .await
}

/// The versions of a trashed secret, by its id.
pub async fn of_trashed(
    store: &Store,
    access: &Caller,
    project_id: &str,
    secret_id: &str,
    cursor: Option<&str>,
    limit: usize,
) -> AppResult<VersionsPage> {
    let trashed = find_trashed(store, project_id, secret_id).await?;
    check(store, access, project_id, &trashed.1, Need::Read)?;
    let before = version_cursor(cursor)?;
    let keys = store.project_keys(project_id).await?;
    let (project, id) = (project_id.to_owned(), secret_id.to_owned());
    store
        .read(move |conn| page(conn, &keys, &project, None, &id, before, limit))
        .await
}

/// A trashed secret of the project and its environment's slug, or a 404.
pub async fn find_trashed(
    store: &Store,
    project_id: &str,
    secret_id: &str,
) -> AppResult<(TrashRow, String)> {
    let (project, id) = (project_id.to_owned(), secret_id.to_owned());
    store
        .read(move |conn| {
            crate::service::require_project(conn, &project)
                .map_err(crate::service::project_not_found(&project))?;
            let missing =
                || AppError::NotFound(format!("No secret '{id}' is in this project's trash"));
            let row = history::trashed(conn, &project, &id)?.ok_or_else(missing)?;
            let slug = env_slug(conn, &project, &row.environment_id)?;
            Ok((row, slug))
        })
        .await
}

pub(super) fn env_slug(conn: &Connection, project_id: &str, env_id: &str) -> AppResult<String> {
    projects::environments(conn, project_id)?
        .into_iter()
        .find(|e| e.id == env_id)
        .map(|e| e.slug)
        .ok_or_else(|| AppError::NotFound(String::from("The secret's environment was not found")))
}

#[allow(clippy::too_many_arguments)]
fn page(
    conn: &Connection,
    keys: &ProjectKeys,
    project_id: &str,
    live: Option<&SecretRow>,
    secret_id: &str,
    before: Option<i64>,
    limit: usize,
) -> AppResult<VersionsPage> {
    let mut versions = Vec::with_capacity(limit + 1);
    if let Some(live) = live.filter(|l| before.is_none_or(|b| l.version < b)) {
        let (action, author) = history::live_change(conn, &live.id)?.unwrap_or_default();
        let pair = live_pair(keys, project_id, live);
        versions.push(VersionView {
            version: live.version,
            unreadable: pair.is_none(),
            value: pair.as_ref().map(|p| p.0.clone()),
            comment: pair.map(|p| p.1),
            created_at: rfc3339(live.updated_at),
            actor: author.into(),
            action: if action.is_empty() {
                String::from("create")
            } else {
                action
            },
        });
    }
    let below = match (live, before) {
        (Some(l), Some(b)) => Some(b.min(l.version)),
        (Some(l), None) => Some(l.version),
        (None, b) => b,
    };
    let wanted = (limit + 1).saturating_sub(versions.len());
    for row in history::versions(conn, secret_id, below, wanted)? {
        versions.push(view(keys, project_id, row));
    }
    let next_cursor = if versions.len() > limit {
        versions.truncate(limit);
        versions.last().map(|v| v.version.to_string())
    } else {
        None
    };
    Ok(VersionsPage {
        versions,
        next_cursor,
    })
}

fn view(keys: &ProjectKeys, project_id: &str, row: VersionRow) -> VersionView {
    let pair = match open_version(keys, project_id, &row) {
        Ok(pair) => pair,
        Err(e) => {
            tracing::warn!(cause = %e, "a history row does not decrypt");
            None
        }
    };
    let is_mark = row.action == "delete";
    VersionView {
        version: row.version,
        unreadable: row.unreadable || (!is_mark && pair.is_none()),
        value: pair.as_ref().map(|p| p.0.clone()),
        comment: pair.map(|p| p.1),
        created_at: rfc3339(row.created_at),
        actor: row.author.into(),
        action: row.action,
    }
}

/// One trashed secret as the trash lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrashedView {
    pub id: String,
    pub environment: String,
    pub path: String,
    pub key: String,
    pub deleted_at: String,
    pub deleted_by: ActorView,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrashPage {
    pub secrets: Vec<TrashedView>,
    pub next_cursor: Option<String>,
}

fn trash_cursor(raw: Option<&str>) -> AppResult<Option<(Millis, String)>> {
    let bad = || AppError::validation("cursor", "not a cursor this API gave");
    raw.map(|c| {
        let (at, id) = c.split_once('.').ok_or_else(bad)?;
        Ok((at.parse::<i64>().map_err(|_| bad())?, id.to_owned()))
    })
    .transpose()
}

/// An environment's trash, most recently deleted first.
pub async fn trash(
    store: &Store,
    access: &Caller,
    project_id: &str,
    env_slug: &str,
    cursor: Option<&str>,
    limit: usize,
) -> AppResult<TrashPage> {
    check(store, access, project_id, env_slug, Need::Read)?;
    let after = trash_cursor(cursor)?;
    let (project, slug) = (project_id.to_owned(), env_slug.to_owned());
    store
        .read(move |conn| {
            let env = environment(conn, &project, &slug)?;
            let after = after.as_ref().map(|(at, id)| (*at, id.as_str()));
            let mut rows = history::trash_page(conn, &env.id, after, limit + 1)?;
            let next_cursor = if rows.len() > limit {
                rows.truncate(limit);
                rows.last()
                    .map(|r| format!("{}.{}", r.deleted_at, r.secret_id))
            } else {
                None
            };
            let secrets = rows
                .into_iter()
                .map(|r| TrashedView {
                    id: r.secret_id,
                    environment: slug.clone(),
                    path: r.path,
                    key: r.key,
                    deleted_at: rfc3339(r.deleted_at),
                    deleted_by: r.deleted_by.into(),
                })
                .collect();
            Ok(TrashPage {
                secrets,
                next_cursor,
            })
        })
        .await
}
