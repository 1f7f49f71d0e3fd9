//! The invitation page: whoever opens the one-time link chooses a password and has an account.
//! Showing the form does not use the code (link previews fetch it); only the POST does. A code
//! that cannot be used gets the same 410 page whatever the reason.

use super::preauth;
use crate::domain::Password;
use crate::error::AppError;
use crate::routes::client_ip::client_ip;
use crate::routes::ui::error::{UiError, UiResult};
use crate::routes::ui::form::FormData;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout};
use crate::routes::ui::urls;
use crate::service::invites;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template, Default)]
#[template(path = "auth/invite.html")]
struct InvitePage {
    layout: Layout,
    email: String,
    role: String,
    action: String,
    preauth: String,
    error: Option<String>,
}

fn gone() -> UiError {
    AppError::Gone(invites::GONE.to_owned()).into()
}

pub(super) async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> UiResult<HttpResponse> {
    let Some(invite) = invites::peek(&state.store, &code).await? else {
        return Err(gone());
    };
    preauth::form_page(&req, &state, |preauth| InvitePage {
        email: invite.email,
        role: invite.role.to_owned(),
        action: urls::invite(&code),
        preauth,
        ..InvitePage::default()
    })
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    form: FormData,
) -> UiResult<HttpResponse> {
    if !preauth::verify(&req, &state, form.get("preauth")) {
        return Err(UiError::Csrf);
    }
    let Some(invite) = invites::peek(&state.store, &code).await? else {
        return Err(gone());
    };
    let again = |error: String| -> UiResult<HttpResponse> {
        let page = InvitePage {
            layout: Layout::default(),
            email: invite.email.clone(),
            role: invite.role.to_owned(),
            action: urls::invite(&code),
            preauth: form.text("preauth").to_owned(),
            error: Some(error),
        };
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    if form.text("password") != form.text("confirm") {
        return again(String::from("The passwords do not match."));
    }
    let password = match Password::parse(form.text("password")) {
        Ok(password) => password,
        Err(e) => return again(format!("Password {e}.")),
    };
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    invites::accept(&state.store, &state.guards(), &code, password, &ip).await?;
    Ok(redirect(&urls::with_notice(
        &urls::login(),
        Notice::InviteAccepted,
    )))
}
