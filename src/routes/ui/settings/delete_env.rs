//! Deleting an environment after a confirmation page that counts what goes with it. One that
//! holds secrets needs its name typed, as a project does; live service tokens naming it (or an
//! import from another environment) block the delete, and the page lists them before anything
//! is pressed.

use super::environments::done;
use crate::domain::token_string::id_prefix;
use crate::error::AppError;
use crate::routes::ui::confirm::{count, Blocked, Blocker, ConfirmPage, Link, Question, Typed};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{render, sentence, Layout, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::environments::{self, EnvDeletion};
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// Why the delete cannot go ahead, if something blocks it.
fn blocked(project_id: &str, deletion: &EnvDeletion) -> Option<Blocked> {
    let slug = &deletion.environment.slug;
    let import = deletion.imported_by.as_ref().map(|by| {
        format!("It is imported by {by}: remove that import before deleting this environment.")
    });
    if deletion.tokens.is_empty() {
        return import.map(|message| Blocked {
            message,
            items: Vec::new(),
        });
    }
    let n = deletion.tokens.len();
    let mut message = format!(
        "{} {} the environment {slug} in {} scopes: revoke {} (or let {} expire) before deleting it.",
        count(n, "live service token", "live service tokens"),
        if n == 1 { "names" } else { "name" },
        if n == 1 { "its" } else { "their" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "them" },
    );
    if let Some(import) = import {
        message = format!("{message} {import}");
    }
    let items = deletion
        .tokens
        .iter()
        .map(|t| Blocker {
            name: t.name.clone(),
            code: format!("{}…", id_prefix(&t.id)),
            links: vec![
                Link {
                    label: String::from("Usage"),
                    href: urls::token_usage(project_id, &t.id),
                },
                Link {
                    label: String::from("Revoke…"),
                    href: urls::token_revoke(project_id, &t.id),
                },
            ],
        })
        .collect();
    Some(Blocked { message, items })
}

/// The confirmation page: counts, blockers, and the name field when it holds secrets.
fn confirm_page(
    layout: Layout,
    project: &ProjectView,
    deletion: &EnvDeletion,
    typed: Option<Typed>,
) -> ConfirmPage {
    let env = &deletion.environment;
    let question = Question {
        title: format!("Delete environment {}?", env.name),
        message: format!(
            "This deletes the environment {} ({}) with all its folders and secrets, and their history. It cannot be undone.",
            env.name, env.slug
        ),
        button: "Delete environment",
        action: urls::environment_delete(&project.id, &env.slug),
        cancel: urls::settings(&project.id),
    };
    let nav = ProjectNav::new(project, Section::Settings);
    ConfirmPage {
        facts: vec![
            format!(
                "{} deleted for good (not kept in a trash)",
                count(deletion.secrets, "secret", "secrets")
            ),
            count(deletion.folders, "folder", "folders"),
        ],
        typed: typed.or_else(|| (deletion.secrets > 0).then(|| Typed::asking(&env.name))),
        blocked: blocked(&project.id, deletion),
        ..ConfirmPage::new(layout, nav, question)
    }
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let project = projects::get(&state.store, &ui.0, &project_id).await?;
    let deletion = environments::deletion(&state.store, &ui.0, &project.id, &slug).await?;
    let page = confirm_page(ui.layout(), &project, &deletion, None);
    render(StatusCode::OK, &page)
}

pub(super) async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let session = &posted.session;
    let project = projects::get(&state.store, session, &project_id).await?;
    let deletion = environments::deletion(&state.store, session, &project.id, &slug).await?;
    if deletion.blocked() {
        let page = confirm_page(posted.layout(), &project, &deletion, None);
        return render(StatusCode::CONFLICT, &page);
    }
    if deletion.secrets > 0 {
        if let Err(typed) = Typed::check(&deletion.environment.name, &posted.form) {
            let page = confirm_page(posted.layout(), &project, &deletion, Some(typed));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    }
    let if_empty = deletion.secrets == 0;
    match environments::delete(&state.store, session, &project.id, &slug, if_empty).await {
        Ok(()) => Ok(done(&project.id, Notice::EnvDeleted)),
        // Something came to block it since the page was shown: the page again, with why.
        Err(AppError::Conflict(message)) => {
            let page = ConfirmPage {
                error: Some(sentence(&message)),
                ..confirm_page(posted.layout(), &project, &deletion, None)
            };
            render(StatusCode::CONFLICT, &page)
        }
        Err(other) => Err(other.into()),
    }
}
