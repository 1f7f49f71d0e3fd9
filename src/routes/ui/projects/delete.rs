//! Deleting a project: a confirmation page on which the user types the project's name.

use crate::auth::policy::Action;
use crate::routes::ui::confirm::{ConfirmPage, Question, Typed};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// The confirmation page, with the name field as typed (and its error, if it did not match).
fn confirm_page(project: &ProjectView, layout: Layout, typed: Typed) -> ConfirmPage {
    let question = Question {
        title: format!("Delete project {}?", project.name),
        message: String::from(
            "This permanently deletes the project, its environments, folders and secrets, and revokes all its service tokens. It cannot be undone.",
        ),
        button: "Delete project",
        action: urls::project_delete(&project.id),
        cancel: urls::settings(&project.id),
    };
    let nav = ProjectNav::new(project, Section::Settings);
    ConfirmPage {
        typed: Some(typed),
        ..ConfirmPage::new(layout, nav, question)
    }
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    ui.0.decide(Some(&project.id), Action::ConfigureProject)?;
    let page = confirm_page(&project, ui.layout(), Typed::asking(&project.name));
    render(StatusCode::OK, &page)
}

pub(super) async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &posted.session, &path).await?;
    if let Err(typed) = Typed::check(&project.name, &posted.form) {
        let page = confirm_page(&project, posted.layout(), typed);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    projects::delete(&state.store, &posted.session, &project.id).await?;
    Ok(redirect(&urls::with_notice(
        &urls::projects(),
        Notice::ProjectDeleted,
    )))
}
