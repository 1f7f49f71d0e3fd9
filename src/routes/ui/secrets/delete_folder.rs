//! Deleting a folder with every folder and secret below it, after a confirmation page that
//! counts them. The secrets go to the environment's trash. A folder that another folder imports
//! cannot be deleted: the page says so (and by whom, if the viewer may see it) instead of
//! offering the button.

use super::browse::FolderQuery;
use super::place::Place;
use crate::domain::Depth;
use crate::error::AppError;
use crate::routes::ui::confirm::{count, Blocked, ConfirmPage, Question};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence, Layout, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::folders::{self, FolderDeletion};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// The message of a refusal, as a sentence for the page.
fn refusal_text(error: &AppError) -> String {
    match error {
        AppError::Conflict(message) => sentence(message),
        other => sentence(&other.to_string()),
    }
}

fn confirm_page(layout: Layout, place: &Place, deletion: &FolderDeletion) -> ConfirmPage {
    let (project, path) = (&place.project, place.path());
    let question = Question {
        title: format!("Delete folder {path}?"),
        message: format!(
            "This deletes the folder {path} in {} with every folder and secret below it. The secrets go to this environment's trash, where they can be restored until their history expires.",
            place.env_name
        ),
        button: "Delete folder",
        action: urls::folder_delete_action(&project.id, place.env()),
        cancel: place.href(),
    };
    let nav = ProjectNav::new(project, Section::Secrets);
    ConfirmPage {
        facts: vec![
            format!(
                "{} moved to the trash",
                count(deletion.secrets, "secret", "secrets")
            ),
            format!(
                "{} deleted with it",
                count(deletion.subfolders, "subfolder", "subfolders")
            ),
        ],
        hidden: vec![(String::from("path"), path.to_owned())],
        blocked: deletion.refusal.as_ref().map(|refusal| Blocked {
            message: refusal_text(refusal),
            items: Vec::new(),
        }),
        ..ConfirmPage::new(layout, nav, question)
    }
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<FolderQuery>,
) -> UiResult<HttpResponse> {
    let place = Place::load(&state, &ui.0, ids.into_inner(), query.path.as_deref()).await?;
    let deletion = folders::deletion(&state.store, &ui.caller(), &place.at).await?;
    render(
        StatusCode::OK,
        &confirm_page(ui.layout(), &place, &deletion),
    )
}

pub(super) async fn delete(
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
    let caller = posted.caller();
    match folders::delete(&state.store, &caller, &place.at, Depth::Recursive).await {
        Ok(()) => {
            let parent = place.at.path.lineage();
            let up = parent.iter().rev().nth(1).map_or("/", |p| p.as_str());
            let href = urls::secrets(&place.project.id, place.env(), up);
            Ok(redirect(&urls::with_notice(&href, Notice::FolderDeleted)))
        }
        // An import appeared since the page was shown: the page again, refusing, with why.
        Err(AppError::Conflict(message)) => {
            let deletion = folders::deletion(&state.store, &caller, &place.at).await?;
            let page = ConfirmPage {
                error: deletion.refusal.is_none().then(|| sentence(&message)),
                ..confirm_page(posted.layout(), &place, &deletion)
            };
            render(StatusCode::CONFLICT, &page)
        }
        Err(other) => Err(other.into()),
    }
}
