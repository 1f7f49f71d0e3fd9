//! One Activity page: the filter form, the events table and the link to older events. The
//! filters travel in the query string, so a filtered view can be bookmarked and paged.

use crate::db::audit::StoredRow;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when, When};
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::service::audit::{self, PageParams, PageQuery};
use crate::service::projects;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

const PER_PAGE: &str = "50";

#[derive(Deserialize, Default)]
pub(super) struct Filters {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
}

struct EventLine {
    when: When,
    actor: String,
    actor_kind: String,
    action: String,
    place: String,
    ip: String,
}

/// What both Activity pages show.
pub(super) struct Activity {
    action_href: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    error: Option<String>,
    events: Vec<EventLine>,
    older_href: Option<String>,
}

#[derive(Template)]
#[template(path = "activity/of_project.html")]
struct ProjectActivityPage {
    layout: Layout,
    project: ProjectNav,
    a: Activity,
}

#[derive(Template)]
#[template(path = "activity/everything.html")]
struct InstanceActivityPage {
    layout: Layout,
    a: Activity,
}

fn line(row: &StoredRow, now: i64) -> EventLine {
    let detail: serde_json::Value = serde_json::from_str(&row.detail).unwrap_or_default();
    let text = |k: &str| detail.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let place = match (text("environment"), text("path"), text("key")) {
        (Some(env), path, key) => format!(
            "{env}:{}{}",
            path.unwrap_or_else(|| String::from("/")),
            key.map(|k| format!(" {k}")).unwrap_or_default()
        ),
        _ => text("summary").or_else(|| text("name")).unwrap_or_default(),
    };
    EventLine {
        when: when(row.at, now),
        actor: row
            .actor_name
            .clone()
            .or_else(|| row.actor_id.clone())
            .unwrap_or_else(|| row.actor_kind.clone()),
        actor_kind: row.actor_kind.replace('_', " "),
        action: row.action.clone(),
        place,
        ip: row.ip.clone().unwrap_or_default(),
    }
}

fn query_string(filters: &Filters, cursor: &str) -> String {
    let mut parts = Vec::new();
    for (name, value) in [
        ("actor", &filters.actor),
        ("action", &filters.action),
        ("from", &filters.from),
        ("to", &filters.to),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!(
                "{name}={}",
                crate::percent::encode(v, crate::percent::Slash::Kept)
            ));
        }
    }
    parts.push(format!("cursor={cursor}"));
    parts.join("&")
}

async fn build(
    state: &AppState,
    ui: &UiSession,
    project_id: Option<&str>,
    filters: Filters,
) -> UiResult<(StatusCode, Activity)> {
    let base = match project_id {
        Some(id) => format!(
            "/projects/{}/activity",
            crate::percent::encode(id, crate::percent::Slash::Encoded)
        ),
        None => String::from("/activity"),
    };
    let parsed = PageQuery::parse(PageParams {
        project_id,
        actor_id: filters.actor.as_deref(),
        action: filters.action.as_deref(),
        from: filters.from.as_deref(),
        to: filters.to.as_deref(),
        cursor: filters.cursor.as_deref(),
        limit: Some(PER_PAGE),
        ..PageParams::default()
    });
    let mut page = Activity {
        action_href: base.clone(),
        actor: filters.actor.clone().unwrap_or_default(),
        action: filters.action.clone().unwrap_or_default(),
        from: filters.from.clone().unwrap_or_default(),
        to: filters.to.clone().unwrap_or_default(),
        error: None,
        events: Vec::new(),
        older_href: None,
    };
    let query = match parsed {
        Ok(query) => query,
        Err(e) => {
            page.error = Some(e.to_string());
            return Ok((StatusCode::BAD_REQUEST, page));
        }
    };
    let (rows, next) = audit::page_rows(&state.store, &ui.0, query).await?;
    let now = now_millis();
    page.events = rows.iter().map(|r| line(r, now)).collect();
    page.older_href = next.map(|cursor| format!("{base}?{}", query_string(&filters, &cursor)));
    Ok((StatusCode::OK, page))
}

pub(super) async fn instance(
    state: web::Data<AppState>,
    ui: UiSession,
    filters: web::Query<Filters>,
) -> UiResult<HttpResponse> {
    let (status, a) = build(&state, &ui, None, filters.into_inner()).await?;
    render(
        status,
        &InstanceActivityPage {
            layout: ui.layout(),
            a,
        },
    )
}

pub(super) async fn project(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    filters: web::Query<Filters>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    let (status, a) = build(&state, &ui, Some(&project.id), filters.into_inner()).await?;
    let page = ProjectActivityPage {
        layout: ui.layout(),
        project: ProjectNav::new(&project, Section::Activity),
        a,
    };
    render(status, &page)
}
