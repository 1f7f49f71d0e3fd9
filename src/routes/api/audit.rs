//! `/api/v1/audit`: the audit log, newest first with cursor paging, and the check of its chain.

use super::responses::Denied;
use super::Endpoint;
use crate::auth::AdminSession;
use crate::error::AppResult;
use crate::service::audit::{self, PageParams, PageQuery};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/api/v1/audit" => list,
    GET "/api/v1/audit/verify" => verify,
];

/// Filters and paging of the audit log; every filter narrows it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct AuditQuery {
    /// Only this project's events
    project_id: Option<String>,
    /// user, service_token, system or anonymous
    actor_kind: Option<String>,
    actor_id: Option<String>,
    /// e.g. secret.update
    action: Option<String>,
    /// From this time (RFC 3339 or a date), inclusive
    from: Option<String>,
    /// Until this time (RFC 3339 or a date), exclusive
    to: Option<String>,
    /// The `nextCursor` of the previous page
    cursor: Option<String>,
    /// Events per page, 1 to 500 (default 100)
    limit: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v1/audit", operation_id = "listAuditEvents", tag = "audit",
    description = "Audit events, newest first; `nextCursor` pages on. Never a secret value.",
    params(AuditQuery),
    responses(
        (status = 200, description = "Events"),
        (status = 400, description = "A malformed filter, cursor or limit"),
        Denied,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    session: AdminSession,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let q = &*query;
    let page = PageQuery::parse(PageParams {
        project_id: q.project_id.as_deref(),
        actor_kind: q.actor_kind.as_deref(),
        actor_id: q.actor_id.as_deref(),
        action: q.action.as_deref(),
        from: q.from.as_deref(),
        to: q.to.as_deref(),
        cursor: q.cursor.as_deref(),
        limit: q.limit.as_deref(),
    })?;
    let (events, next) = audit::page(&state.store, &session, page).await?;
    Ok(HttpResponse::Ok().json(json!({ "events": events, "nextCursor": next })))
}

#[utoipa::path(
    get, path = "/api/v1/audit/verify", operation_id = "verifyAuditLog", tag = "audit",
    description = "Checks the audit log's hash chain (bounded in time): `ok`, rows `checked`, the \
        `firstBad` row's id, and the `head` hash to keep for `envkeep audit verify --expect-head`",
    responses(
        (status = 200, description = "The verification"),
        Denied,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn verify(state: web::Data<AppState>, session: AdminSession) -> AppResult<HttpResponse> {
    let report = audit::verify(&state.store, &session).await?;
    Ok(HttpResponse::Ok().json(report))
}
