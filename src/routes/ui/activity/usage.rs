//! A service token's usage page: reads and writes per hour, environment and folder, counts not
//! yet written included, 100 rows a page.

use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::service::projects;
use crate::service::token_usage::{self, UsageQuery};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct UsagePaging {
    cursor: Option<String>,
}

struct UsageLine {
    hour: String,
    place: String,
    reads: String,
    writes: String,
    ips: String,
}

#[derive(Template)]
#[template(path = "activity/usage.html")]
struct UsagePage {
    layout: Layout,
    project: ProjectNav,
    token_id: String,
    lines: Vec<UsageLine>,
    more_href: Option<String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
    paging: web::Query<UsagePaging>,
) -> UiResult<HttpResponse> {
    let (project_id, token_id) = path.into_inner();
    let project = projects::get(&state.store, &ui.0, &project_id).await?;
    let query = UsageQuery::parse(&token_id, None, None, paging.cursor.as_deref(), Some("100"))?;
    let (rows, next) =
        token_usage::usage(&state.store, &ui.0, &project.id, &token_id, query).await?;
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let lines = rows
        .iter()
        .map(|r| UsageLine {
            hour: text(&r["hour"]),
            place: format!("{}:{}", text(&r["environment"]), text(&r["path"])),
            reads: text(&r["reads"]),
            writes: text(&r["writes"]),
            ips: text(&r["ips"]),
        })
        .collect();
    let here = crate::routes::ui::urls::token_usage(&project.id, &token_id);
    let page = UsagePage {
        layout: ui.layout(),
        project: ProjectNav::new(&project, Section::Access),
        token_id,
        lines,
        more_href: next.map(|cursor| format!("{here}?cursor={cursor}")),
    };
    render(StatusCode::OK, &page)
}
