//! Reading the audit log and verifying its chain.
//!
//! Who may read it is the policy's `ReadAudit` / `VerifyAudit` row (DESIGN §9): owners and
//! admins every event, project admins their projects' events (and no verify), anyone else
//! nothing.

use crate::auth::policy::{self, Action};
use crate::auth::AdminSession;
use crate::db::audit::list::{self, Filter};
use crate::db::audit::verify::Verification;
use crate::db::audit::StoredRow;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::time::{rfc3339, Millis};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;
/// How long `GET /api/v1/audit/verify` walks before it answers with what it checked.
pub const VERIFY_DEADLINE: Duration = Duration::from_secs(20);

/// A page request, validated.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub filter: Filter,
    /// Events with ids below this one (the previous page's `nextCursor`).
    pub cursor: Option<i64>,
    pub limit: usize,
}

/// The query parameters of `GET /api/v1/audit` as given (empty ones count as absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct PageParams<'a> {
    pub project_id: Option<&'a str>,
    pub actor_kind: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub action: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: Option<&'a str>,
}

impl PageQuery {
    /// Parses the query parameters of `GET /api/v1/audit`; a malformed one is a 400 naming it.
    pub fn parse(params: PageParams<'_>) -> AppResult<Self> {
        let PageParams {
            project_id,
            actor_kind,
            actor_id,
            action,
            from,
            to,
            cursor,
            limit,
        } = params;
        let text = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
        let limit = match limit.filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}"
                    )))
                }
            },
        };
        let cursor = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(c.parse::<i64>().ok().filter(|c| *c > 0).ok_or_else(|| {
                AppError::BadRequest(String::from(
                    "cursor must be a nextCursor from a previous page",
                ))
            })?),
        };
        Ok(Self {
            filter: Filter {
                projects: None,
                project_id: text(project_id),
                actor_kind: text(actor_kind),
                actor_id: text(actor_id),
                action: text(action),
                from: parse_time("from", from)?,
                to: parse_time("to", to)?,
            },
            cursor,
            limit,
        })
    }
}

/// An RFC 3339 time or a date (`2026-01-31`, midnight UTC), in milliseconds.
pub fn parse_time(name: &str, value: Option<&str>) -> AppResult<Option<Millis>> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    parse_instant(value).map(Some).ok_or_else(|| {
        AppError::BadRequest(format!(
            "{name} must be an RFC 3339 time (2026-01-31T12:00:00Z) or a date (2026-01-31)"
        ))
    })
}

/// An RFC 3339 time or a date at midnight UTC, in milliseconds since the epoch.
pub fn parse_instant(value: &str) -> Option<Millis> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(t.timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

/// One event as the API and the export show it. `environment`, `path` and `key` come from the
/// detail, where the writers put them; never a value (no writer records one).
pub fn event_json(row: &StoredRow) -> Value {
    let detail: Value = serde_json::from_str(&row.detail).unwrap_or(Value::Null);
    let pick = |name: &str| detail.get(name).cloned().unwrap_or(Value::Null);
    json!({
        "id": row.id,
        "at": rfc3339(row.at),
        "actor": { "kind": row.actor_kind, "id": row.actor_id, "name": row.actor_name },
        "action": row.action,
        "projectId": row.project_id,
        "environment": pick("environment"),
        "path": pick("path"),
        "key": pick("key"),
        "ip": row.ip,
        "detail": detail,
    })
}

/// A page of events as the API shows them, newest first, and the cursor of the next page
/// (none on the last).
pub async fn page(
    store: &Store,
    session: &AdminSession,
    query: PageQuery,
) -> AppResult<(Vec<Value>, Option<String>)> {
    let (rows, next) = page_rows(store, session, query).await?;
    Ok((rows.iter().map(event_json).collect(), next))
}

/// [`page`] as stored rows (the UI's Activity pages).
pub async fn page_rows(
    store: &Store,
    session: &AdminSession,
    mut query: PageQuery,
) -> AppResult<(Vec<StoredRow>, Option<String>)> {
    query.filter.projects = readable_projects(session, query.filter.project_id.as_deref())?;
    let limit = query.limit;
    // One more than asked tells whether a next page exists without a second query.
    let mut rows = store
        .read(move |conn| list::page(conn, &query.filter, query.cursor, limit + 1))
        .await?;
    let next = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        rows.last().map(|r| r.id.to_string())
    });
    Ok((rows, next.flatten()))
}

/// The projects whose events `session` may read: `None` for every event (owners and admins),
/// else the projects it administers; a named project it may not read is refused (404 when it
/// may not see it, 403 when it may but not its log), as is a caller who may read no project.
fn readable_projects(
    session: &AdminSession,
    named: Option<&str>,
) -> AppResult<Option<Vec<String>>> {
    if let Some(project) = named {
        session.decide(Some(project), Action::ReadAudit)?;
        return Ok(None);
    }
    if session.decide(None, Action::ReadAudit).is_ok() {
        return Ok(None);
    }
    let mut projects: Vec<String> = session
        .memberships
        .keys()
        .filter(|p| {
            policy::decide(&session.principal(Some(p)), Some(p), &Action::ReadAudit).is_allowed()
        })
        .cloned()
        .collect();
    if projects.is_empty() {
        return Err(AppError::PermissionDenied(String::from(
            "Only owners, admins and project admins may read the audit log",
        )));
    }
    projects.sort();
    Ok(Some(projects))
}

/// Verifies the chain within [`VERIFY_DEADLINE`] (owners and admins).
pub async fn verify(store: &Store, session: &AdminSession) -> AppResult<Verification> {
    session.decide(None, Action::VerifyAudit)?;
    let store = store.clone();
    let deadline = Instant::now() + VERIFY_DEADLINE;
    let report =
        tokio::task::spawn_blocking(move || store.verify_audit_blocking(Some(deadline), None))
            .await
            .map_err(|e| AppError::Internal(format!("verify task failed: {e}")))??;
    Ok(report)
}
