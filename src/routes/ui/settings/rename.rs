//! Renaming the project from its settings (the service behind `PATCH /api/v1/projects/{id}`).
//! The slug does not change. A name another visible project has is accepted, with a warning.

use super::show::with_error;
use crate::domain::Name;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::redirect;
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::projects;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub(super) async fn rename(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let session = &posted.session;
    let project = projects::get(&state.store, session, &path).await?;
    let name = match Name::parse(posted.form.text("name")) {
        Ok(name) => name,
        Err(e) => {
            let message = format!("The project name {}", e.0);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return with_error(posted.layout(), &project, status, message);
        }
    };
    let same = projects::same_name(&state.store, session, name.as_str(), Some(&project.id)).await?;
    projects::update(&state.store, session, &project.id, Some(name), None).await?;
    let notice = match same {
        true => Notice::ProjectRenamedSameName,
        false => Notice::ProjectRenamed,
    };
    Ok(redirect(&urls::with_notice(
        &urls::settings(&project.id),
        notice,
    )))
}
