//! The environment forms of the settings page: add, rename, move up or down (deleting one is
//! `delete_env`). A refused form shows the settings page again with the message.

use super::show::{page, with_error, EnvDraft};
use crate::domain::{EnvSlug, Name};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence};
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::environments::{self, Direction};
use crate::service::projects;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// Back to the settings page with `notice`: the answer to every accepted form here.
pub(super) fn done(project_id: &str, notice: Notice) -> HttpResponse {
    redirect(&urls::with_notice(&urls::settings(project_id), notice))
}

pub(super) async fn add(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &posted.session, &path).await?;
    let form = &posted.form;
    let mut draft = EnvDraft {
        name: form.text("name").to_owned(),
        slug: form.text("slug").trim().to_owned(),
        ..EnvDraft::default()
    };
    let name = Name::parse(&draft.name)
        .map_err(|e| draft.name_error = Some(sentence(&e.0)))
        .ok();
    let raw_slug = if draft.slug.is_empty() {
        EnvSlug::slugify(&draft.name)
    } else {
        draft.slug.clone()
    };
    let slug = EnvSlug::parse(&raw_slug)
        .map_err(|e| draft.slug_error = Some(sentence(&e.0)))
        .ok();
    let status = match (name, slug) {
        (Some(name), Some(slug)) => {
            match environments::create(&state.store, &posted.session, &project.id, name, slug).await
            {
                Ok(_) => return Ok(done(&project.id, Notice::EnvAdded)),
                Err(AppError::Conflict(message)) => {
                    draft.slug_error = Some(sentence(&message));
                    StatusCode::CONFLICT
                }
                Err(other) => return Err(other.into()),
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(status, &page(posted.layout(), &project, draft, None))
}

pub(super) async fn rename(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let project = projects::get(&state.store, &posted.session, &project_id).await?;
    match Name::parse(posted.form.text("name")) {
        Ok(name) => {
            let session = &posted.session;
            let renamed = Some(name);
            environments::update(&state.store, session, &project.id, &slug, renamed, None).await?;
            Ok(done(&project.id, Notice::EnvRenamed))
        }
        Err(e) => {
            let message = format!("Environment {slug}: the name {}", e.0);
            with_error(
                posted.layout(),
                &project,
                StatusCode::UNPROCESSABLE_ENTITY,
                message,
            )
        }
    }
}

pub(super) async fn move_one(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let direction = match posted.form.get("direction") {
        Some("up") => Direction::Up,
        _ => Direction::Down,
    };
    environments::move_one(&state.store, &posted.session, &project_id, &slug, direction).await?;
    Ok(done(&project_id, Notice::EnvMoved))
}
