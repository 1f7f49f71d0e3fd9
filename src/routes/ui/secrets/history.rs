//! A secret's History: its versions (who, when, how), values masked until revealed, a line diff
//! against the version before for multi-line values, and Restore after a confirmation.

use super::diff::{self, DiffLine};
use super::place::Item;
use crate::auth::AdminSession;
use crate::routes::ui::confirm::{ConfirmPage, Question};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::history::{restore, versions};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

struct VersionLine {
    version: i64,
    action: String,
    who: String,
    when: Option<When>,
    value: Option<String>,
    comment: String,
    unreadable: bool,
    diff: Option<Vec<DiffLine>>,
    /// Where Restore goes; none for the current version and for entries without a value.
    restore_href: Option<String>,
}

#[derive(Template)]
#[template(path = "secrets/history.html")]
struct HistoryPage {
    layout: Layout,
    project: ProjectNav,
    env_name: String,
    path: String,
    key: String,
    versions: Vec<VersionLine>,
    older_href: Option<String>,
    back: String,
}

#[derive(Deserialize)]
pub(super) struct HistoryQuery {
    path: Option<String>,
    key: Option<String>,
    cursor: Option<String>,
    version: Option<i64>,
}

impl HistoryQuery {
    async fn item(
        &self,
        state: &AppState,
        session: &AdminSession,
        ids: (String, String),
    ) -> UiResult<Item> {
        Item::load(
            state,
            session,
            ids,
            self.path.as_deref(),
            self.key.as_deref(),
        )
        .await
    }
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<HistoryQuery>,
) -> UiResult<HttpResponse> {
    let item = query.item(&state, &ui.0, ids.into_inner()).await?;
    let (place, key) = (&item.place, item.key.as_str());
    let page = versions::of_key(
        &state.store,
        &ui.caller(),
        &place.at,
        &item.key,
        query.cursor.as_deref(),
        versions::DEFAULT_LIMIT,
    )
    .await?;
    let now = now_millis();
    let (project_id, env, path) = (&place.project.id, place.env(), place.path());
    let current = page
        .versions
        .first()
        .map(|v| v.version)
        .filter(|_| query.cursor.is_none());
    let mut lines: Vec<VersionLine> = Vec::with_capacity(page.versions.len());
    for (i, v) in page.versions.iter().enumerate() {
        let older = page.versions.get(i + 1).and_then(|o| o.value.as_deref());
        let diff = match (older, v.value.as_deref()) {
            (Some(old), Some(new)) => diff::lines(old, new),
            _ => None,
        };
        let restorable = v.value.is_some() && Some(v.version) != current;
        lines.push(VersionLine {
            version: v.version,
            action: v.action.clone(),
            who: v
                .actor
                .name
                .clone()
                .or_else(|| v.actor.kind.clone())
                .unwrap_or_else(|| String::from("unknown")),
            when: when_rfc3339(&v.created_at, now),
            value: v.value.clone(),
            comment: v.comment.clone().unwrap_or_default(),
            unreadable: v.unreadable,
            diff,
            restore_href: restorable
                .then(|| urls::secret_history_restore(project_id, env, path, key, v.version)),
        });
    }
    let older_href = page.next_cursor.as_deref().map(|c| {
        format!(
            "{}&cursor={}",
            urls::secret_history(project_id, env, path, key),
            urls::query_value(c)
        )
    });
    let view = HistoryPage {
        layout: ui.layout(),
        project: ProjectNav::new(&place.project, Section::Secrets),
        env_name: place.env_name.clone(),
        path: path.to_owned(),
        key: key.to_owned(),
        versions: lines,
        older_href,
        back: place.href(),
    };
    render(StatusCode::OK, &view)
}

/// "Restore version N?" before the POST.
pub(super) async fn confirm(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<HistoryQuery>,
) -> UiResult<HttpResponse> {
    let item = query.item(&state, &ui.0, ids.into_inner()).await?;
    let (place, key) = (&item.place, item.key.as_str());
    let version = query.version.unwrap_or(0);
    let question = Question {
        title: format!("Restore version {version} of {key}?"),
        message: format!(
            "{key} in {} at {} gets the value and comment of version {version} as its newest version. The current value stays in its history.",
            place.env_name,
            place.path()
        ),
        button: "Restore version",
        action: urls::secret_history_restore_action(&place.project.id, place.env()),
        cancel: urls::secret_history(&place.project.id, place.env(), place.path(), key),
    };
    let nav = ProjectNav::new(&place.project, Section::Secrets);
    let page = ConfirmPage {
        hidden: vec![
            (String::from("path"), place.path().to_owned()),
            (String::from("key"), key.to_owned()),
            (String::from("version"), version.to_string()),
        ],
        ..ConfirmPage::new(ui.layout(), nav, question)
    };
    render(StatusCode::OK, &page)
}

pub(super) async fn restore(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let item = Item::from_form(&state, &posted.session, ids.into_inner(), &posted.form).await?;
    let version = posted.form.text("version").parse::<i64>().unwrap_or(0);
    restore::version(
        &state.store,
        &posted.caller(),
        &item.place.at,
        &item.key,
        version,
    )
    .await?;
    let href = urls::with_notice(&item.place.href(), Notice::SecretRestored);
    Ok(redirect(&href))
}
