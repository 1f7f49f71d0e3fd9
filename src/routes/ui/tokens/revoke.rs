//! Revoking a service token, after a confirmation page that names its scopes.

use crate::auth::policy::Action;
use crate::error::AppError;
use crate::routes::ui::confirm::{ConfirmPage, Question};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::views::{ProjectView, ServiceTokenView};
use crate::service::{projects, tokens};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// The token `token_id` of `project`; a token of another project is as missing as none.
async fn find_token(
    state: &AppState,
    project: &ProjectView,
    token_id: &str,
) -> UiResult<ServiceTokenView> {
    match tokens::find(&state.store, token_id).await? {
        Some((_, view)) if view.project_id == project.id => Ok(view),
        _ => Err(AppError::NotFound(String::from(
            "This service token does not exist in this project (it may already be revoked).",
        ))
        .into()),
    }
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, token_id) = path.into_inner();
    let project = projects::get(&state.store, &ui.0, &project_id).await?;
    ui.0.decide(
        Some(&project.id),
        Action::ManageTokens { environments: &[] },
    )?;
    let token = find_token(&state, &project, &token_id).await?;
    let scopes: Vec<String> = token
        .scopes
        .iter()
        .map(|s| format!("{} {}", s.environment, s.secret_path))
        .collect();
    let question = Question {
        title: format!("Revoke service token {}?", token.name),
        message: format!(
            "Anything using this token (scopes: {}) is refused from the next request on. Revoking cannot be undone; to restore access, create a new token.",
            scopes.join(", ")
        ),
        button: "Revoke token",
        action: urls::token_revoke(&project.id, &token.id),
        cancel: urls::tokens(&project.id),
    };
    let nav = ProjectNav::new(&project, Section::Access);
    render(
        StatusCode::OK,
        &ConfirmPage::new(ui.layout(), nav, question),
    )
}

pub(super) async fn revoke(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, token_id) = path.into_inner();
    tokens::revoke(&state.store, &posted.session, &project_id, &token_id).await?;
    let href = urls::with_notice(&urls::tokens(&project_id), Notice::TokenRevoked);
    Ok(redirect(&href))
}
