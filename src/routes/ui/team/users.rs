//! Changing a user from the Team page (role, disabled) and removing one, after a confirmation
//! that lists the service tokens they created with a checkbox to revoke them too.

use crate::domain::InstanceRole;
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::users::{self, Change, TheirTokens};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

pub(super) async fn update(
    state: web::Data<AppState>,
    posted: Posted,
    user_id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let role = match posted.form.get("role") {
        Some(raw) => Some(InstanceRole::parse(raw).map_err(|e| AppError::validation("role", e.0))?),
        None => None,
    };
    let disabled = posted.form.get("disabled").map(|v| v == "true");
    let change = Change { role, disabled };
    users::update(&state.store, &posted.session, &user_id, change).await?;
    Ok(redirect(&urls::with_notice(
        &urls::team(),
        Notice::UserSaved,
    )))
}

struct TokenLine {
    name: String,
    project_id: String,
}

#[derive(Template)]
#[template(path = "team/remove.html")]
struct RemovePage {
    layout: Layout,
    email: String,
    tokens: Vec<TokenLine>,
    action: String,
}

pub(super) async fn confirm_remove(
    state: web::Data<AppState>,
    ui: UiSession,
    user_id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let (user, created) = users::get_with_tokens(&state.store, &ui.0, &user_id).await?;
    let page = RemovePage {
        layout: ui.layout(),
        email: user.email,
        tokens: created
            .into_iter()
            .map(|t| TokenLine {
                name: t.name,
                project_id: t.project_id,
            })
            .collect(),
        action: urls::team_user_remove(&user.id),
    };
    render(StatusCode::OK, &page)
}

pub(super) async fn remove(
    state: web::Data<AppState>,
    posted: Posted,
    user_id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let tokens = match posted.form.get("revoke_tokens") {
        Some("true") => TheirTokens::Revoke,
        _ => TheirTokens::Keep,
    };
    users::remove(&state.store, &posted.session, &user_id, tokens).await?;
    Ok(redirect(&urls::with_notice(
        &urls::team(),
        Notice::UserRemoved,
    )))
}
