//! An environment's Trash: deleted secrets, newest first, each with a Restore button (it goes
//! back where it was, folders included; a name taken since is refused with the reason).

use super::place::Place;
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

struct TrashLine {
    id: String,
    path: String,
    key: String,
    deleted: Option<When>,
    by: String,
}

#[derive(Template)]
#[template(path = "secrets/trash.html")]
struct TrashPage {
    layout: Layout,
    project: ProjectNav,
    env_name: String,
    entries: Vec<TrashLine>,
    action: String,
    older_href: Option<String>,
    back: String,
}

#[derive(Deserialize)]
pub(super) struct TrashQuery {
    cursor: Option<String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<TrashQuery>,
) -> UiResult<HttpResponse> {
    let place = Place::load(&state, &ui.0, ids.into_inner(), None).await?;
    let (project_id, env) = (place.project.id.clone(), place.env().to_owned());
    let page = versions::trash(
        &state.store,
        &ui.caller(),
        &project_id,
        &env,
        query.cursor.as_deref(),
        versions::DEFAULT_LIMIT,
    )
    .await?;
    let now = now_millis();
    let entries = page
        .secrets
        .into_iter()
        .map(|s| TrashLine {
            id: s.id,
            path: s.path,
            key: s.key,
            deleted: when_rfc3339(&s.deleted_at, now),
            by: s
                .deleted_by
                .name
                .or(s.deleted_by.kind)
                .unwrap_or_else(|| String::from("unknown")),
        })
        .collect();
    let older_href = page.next_cursor.map(|c| {
        format!(
            "{}?cursor={}",
            urls::trash(&project_id, &env),
            urls::query_value(&c)
        )
    });
    let view = TrashPage {
        layout: ui.layout(),
        project: ProjectNav::new(&place.project, Section::Secrets),
        env_name: place.env_name.clone(),
        entries,
        action: urls::trash_restore_action(&project_id, &env),
        older_href,
        back: place.href(),
    };
    render(StatusCode::OK, &view)
}

pub(super) async fn restore(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let place = Place::load(&state, &posted.session, ids.into_inner(), None).await?;
    let id = posted.form.text("id");
    let secret = restore::trashed(&state.store, &posted.caller(), &place.project.id, id).await?;
    let href = urls::secrets(&place.project.id, place.env(), &secret.path);
    Ok(redirect(&urls::with_notice(&href, Notice::SecretRestored)))
}
