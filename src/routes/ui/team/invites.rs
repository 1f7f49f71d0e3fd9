//! Inviting from the Team page: the new link waits in the one-shot reveals (bound to this
//! session, as a new token's does) and is shown once on its own page; revoking an invitation.

use super::page::build;
use crate::domain::{Email, InstanceRole};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence, Layout};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::invites;
use crate::service::reveal::Revealed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use zeroize::Zeroizing;

pub(super) async fn create(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let email = posted.form.text("email").to_owned();
    let parsed = Email::parse(&email).map_err(|e| format!("E-mail {}", e.0));
    let role = InstanceRole::parse(posted.form.text("role")).map_err(|e| format!("Role {}", e.0));
    let (parsed, role) = match (parsed, role) {
        (Ok(parsed), Ok(role)) => (parsed, role),
        (Err(e), _) | (_, Err(e)) => return again(&state, &posted, email, e).await,
    };
    let public_url = state.settings.public_url.as_deref();
    let issued = match invites::create(&state.store, &posted.session, public_url, parsed, role)
        .await
    {
        Ok(issued) => issued,
        Err(AppError::Conflict(message)) => return again(&state, &posted, email, message).await,
        Err(other) => return Err(other.into()),
    };
    // An invitation link is not a project's token: an empty project id keeps it out of the
    // token pages' reach (they take only reveals of their own project).
    let revealed = Revealed {
        token: Zeroizing::new(issued.url),
        token_name: issued.invite.email,
        project_id: String::new(),
        grant: None,
    };
    let reveal = state.reveals.put(posted.session.id_hash, revealed);
    Ok(redirect(&format!("/team/invites/created/{reveal}")))
}

/// The Team page again, with the invite form as typed and why it was refused.
async fn again(
    state: &AppState,
    posted: &Posted,
    email: String,
    error: String,
) -> UiResult<HttpResponse> {
    let ui = UiSession(posted.session.clone());
    let page = build(state, &ui, posted.layout(), email, Some(sentence(&error))).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "team/invited.html")]
struct InvitedPage {
    layout: Layout,
    email: String,
    url: String,
    relative: bool,
}

pub(super) async fn created(
    state: web::Data<AppState>,
    ui: UiSession,
    reveal: web::Path<String>,
) -> UiResult<HttpResponse> {
    let revealed = state
        .reveals
        .take(&reveal, &ui.0.id_hash)
        .filter(|r| r.project_id.is_empty());
    let Some(revealed) = revealed else {
        return Err(AppError::Gone(String::from(
            "This invitation link was shown once and is gone; revoke the invitation and invite again",
        ))
        .into());
    };
    let url = revealed.token.as_str().to_owned();
    let page = InvitedPage {
        layout: ui.layout(),
        relative: url.starts_with('/'),
        email: revealed.token_name.clone(),
        url,
    };
    render(StatusCode::OK, &page)
}

pub(super) async fn revoke(
    state: web::Data<AppState>,
    posted: Posted,
    invite_id: web::Path<String>,
) -> UiResult<HttpResponse> {
    invites::revoke(&state.store, &posted.session, &invite_id).await?;
    Ok(redirect(&urls::with_notice(
        &urls::team(),
        Notice::InviteRevoked,
    )))
}
