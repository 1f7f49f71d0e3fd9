//! A service token's usage: what is stored plus what the Store has counted but not yet
//! written, per hour, environment and folder, newest hour first, with cursor paging.
// Who may: whoever may manage some of the project's tokens (policy `ManageTokens`). Not yet
// narrowed to the tokens whose scopes lie in a developer's environments, as revoking is.

use super::audit::parse_time;
use super::{project_not_found, require_project};
use crate::auth::AdminSession;
use crate::db::token_usage::{self, UsageKey, UsageRow};
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::time::{rfc3339, Millis};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;

#[derive(Debug, Clone)]
pub struct UsageQuery {
    pub from: Millis,
    pub to: Millis,
    pub cursor: Option<UsageKey>,
    pub limit: usize,
}

impl UsageQuery {
    /// The query parameters as given; a malformed one is a 400 naming it.
    pub fn parse(
        token_id: &str,
        from: Option<&str>,
        to: Option<&str>,
        cursor: Option<&str>,
        limit: Option<&str>,
    ) -> AppResult<Self> {
        let limit = match limit.filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}"
                    ))
                })?,
        };
        let cursor = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(decode_cursor(token_id, c).ok_or_else(|| {
                AppError::BadRequest(String::from(
                    "cursor must be a nextCursor from a previous page",
                ))
            })?),
        };
        Ok(Self {
            from: parse_time("from", from)?.unwrap_or(Millis::MIN),
            to: parse_time("to", to)?.unwrap_or(Millis::MAX),
            cursor,
            limit,
        })
    }
}

fn encode_cursor(key: &UsageKey) -> String {
    hex::encode(json!([key.hour, key.environment, key.path]).to_string())
}

fn decode_cursor(token_id: &str, text: &str) -> Option<UsageKey> {
    let bytes = hex::decode(text).ok()?;
    let (hour, environment, path): (Millis, String, String) =
        serde_json::from_slice(&bytes).ok()?;
    Some(UsageKey {
        hour,
        environment,
        path,
        token_id: token_id.to_owned(),
    })
}

/// A page of the token's usage and the cursor of the next page (none on the last).
pub async fn usage(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    token_id: &str,
    query: UsageQuery,
) -> AppResult<(Vec<Value>, Option<String>)> {
    session.decide(
        Some(project_id),
        crate::auth::policy::Action::ManageTokens { environments: &[] },
    )?;
    let pending = store.pending_token_usage(token_id);
    let (project, token) = (project_id.to_owned(), token_id.to_owned());
    let mut merged = store
        .read(move |conn| {
            require_project(conn, &project)?;
            let stored = token_usage::page(
                conn,
                &token,
                &project,
                (query.from, query.to),
                query.cursor.as_ref(),
                query.limit + 1,
            )?;
            let mut merged: BTreeMap<UsageKey, UsageRow> = stored
                .into_iter()
                .map(|row| (row.key.clone(), row))
                .collect();
            for (mut key, sum) in pending {
                let in_range = (query.from..query.to).contains(&key.hour);
                if sum.project_id != project || !in_range {
                    continue;
                }
                key.path =
                    token_usage::existing_folder(conn, &project, &key.environment, &key.path)?;
                if query.cursor.as_ref().is_some_and(|c| key >= *c) {
                    continue;
                }
                let row = merged.entry(key.clone()).or_insert_with(|| UsageRow {
                    key,
                    reads: 0,
                    writes: 0,
                    ips: Default::default(),
                });
                row.reads += sum.reads;
                row.writes += sum.writes;
                for ip in sum.ips {
                    if row.ips.len() < token_usage::MAX_IPS {
                        row.ips.insert(ip);
                    }
                }
            }
            Ok::<_, crate::db::DbError>(merged)
        })
        .await
        .map_err(project_not_found(project_id))?;
    let mut rows: Vec<UsageRow> = Vec::with_capacity(query.limit + 1);
    while rows.len() <= query.limit {
        match merged.pop_last() {
            Some((_, row)) => rows.push(row),
            None => break,
        }
    }
    let next = (rows.len() > query.limit).then(|| {
        rows.truncate(query.limit);
        rows.last().map(|r| encode_cursor(&r.key))
    });
    let usage = rows
        .iter()
        .map(|row| {
            json!({
                "hour": rfc3339(row.key.hour),
                "environment": row.key.environment,
                "path": row.key.path,
                "reads": row.reads,
                "writes": row.writes,
                "ips": row.ips.len(),
            })
        })
        .collect();
    Ok((usage, next.flatten()))
}
