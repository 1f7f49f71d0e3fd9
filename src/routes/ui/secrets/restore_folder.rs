//! "Restore this folder to…": a date-time form, then the dry run's preview of what would change,
//! be restored and be removed, then the confirmation that applies it in one transaction.

use super::place::Place;
use crate::domain::Invalid;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::history::point_in_time::{self, Outcome, Run};
use crate::state::AppState;
use crate::time::{now_millis, rfc3339};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "secrets/restore_folder.html")]
struct RestorePage {
    layout: Layout,
    project: ProjectNav,
    env_name: String,
    path: String,
    /// What the date-time field holds (`YYYY-MM-DDTHH:MM`, UTC).
    at: String,
    error: Option<String>,
    preview: Option<Outcome>,
    /// The preview's time as the API spells it.
    at_rfc3339: String,
    form_href: String,
    action: String,
    back: String,
}

#[derive(Deserialize)]
pub(super) struct RestoreQuery {
    path: Option<String>,
    at: Option<String>,
}

/// The field's value (a `datetime-local`, read as UTC) as milliseconds.
fn parse_at(raw: &str) -> Result<i64, Invalid> {
    let bad = || Invalid::new("enter a date and time such as 2026-01-31T14:05 (UTC)");
    let raw = raw.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(t.timestamp_millis());
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(bad)
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<RestoreQuery>,
) -> UiResult<HttpResponse> {
    let place = Place::load(&state, &ui.0, ids.into_inner(), query.path.as_deref()).await?;
    let (project_id, env, path) = (
        place.project.id.clone(),
        place.env().to_owned(),
        place.path().to_owned(),
    );
    let mut page = RestorePage {
        layout: ui.layout(),
        project: ProjectNav::new(&place.project, Section::Secrets),
        env_name: place.env_name.clone(),
        path: path.clone(),
        at: query.at.clone().unwrap_or_default(),
        error: None,
        preview: None,
        at_rfc3339: String::new(),
        form_href: urls::folder_restore_action(&project_id, &env),
        action: urls::folder_restore_action(&project_id, &env),
        back: place.href(),
    };
    let Some(raw) = query.at.as_deref().filter(|r| !r.is_empty()) else {
        page.at = chrono::Utc::now().format("%Y-%m-%dT%H:%M").to_string();
        return render(StatusCode::OK, &page);
    };
    let at = match parse_at(raw) {
        Ok(at) => at,
        Err(e) => {
            page.error = Some(e.0);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let planned = point_in_time::folder(
        &state.store,
        &ui.caller(),
        &project_id,
        &place.at.environment,
        &place.at.path,
        at,
        Run::DryRun,
    )
    .await;
    match planned {
        Ok(outcome) => {
            page.at_rfc3339 = rfc3339(at);
            page.preview = Some(outcome);
            render(StatusCode::OK, &page)
        }
        Err(crate::error::AppError::Validation(details)) => {
            page.error = details.first().map(|d| format!("The time {}", d.message));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn apply(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let place = Place::load(
        &state,
        &posted.session,
        ids.into_inner(),
        posted.form.get("path"),
    )
    .await?;
    let at = parse_at(posted.form.text("at")).unwrap_or_else(|_| now_millis() + 1);
    point_in_time::folder(
        &state.store,
        &posted.caller(),
        &place.project.id,
        &place.at.environment,
        &place.at.path,
        at,
        Run::Apply,
    )
    .await?;
    Ok(redirect(&urls::with_notice(
        &place.href(),
        Notice::FolderRestored,
    )))
}
