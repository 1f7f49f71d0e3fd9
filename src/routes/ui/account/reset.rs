//! The page a one-time reset link opens. GET shows the form and spends nothing (link previews
//! and scanners fetch links); POST sets the password. It is a pre-session form, guarded by the
//! double-submit token like login.

use crate::domain::Password;
use crate::error::AppError;
use crate::routes::client_ip::client_ip;
use crate::routes::ui::auth::preauth;
use crate::routes::ui::error::{UiError, UiResult};
use crate::routes::ui::form::FormData;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{add_cookie, redirect, render, sentence, Layout};
use crate::routes::ui::urls;
use crate::service::passwords;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    layout: Layout,
    email: String,
    action: String,
    preauth: String,
    error: Option<String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let email = passwords::peek_reset(&state.store, &path).await?;
    preauth::form_page(&req, &state, |preauth| ResetPage {
        layout: Layout::default(),
        email,
        action: format!("/reset/{}", path.as_str()),
        preauth,
        error: None,
    })
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: FormData,
) -> UiResult<HttpResponse> {
    if !preauth::verify(&req, &state, form.get("preauth")) {
        return Err(UiError::Csrf);
    }
    let email = passwords::peek_reset(&state.store, &path).await?;
    let again = |error: String| ResetPage {
        layout: Layout::default(),
        email: email.clone(),
        action: format!("/reset/{}", path.as_str()),
        preauth: form.text("preauth").to_owned(),
        error: Some(sentence(&error)),
    };
    let new = match Password::parse(form.text("new_password")) {
        Ok(new) => new,
        Err(e) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &again(format!("The new password {}", e.0)),
            )
        }
    };
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    match passwords::use_reset(&state.store, &state.guards(), &path, new, &ip).await {
        Ok(()) => {
            let mut response = redirect(&urls::with_notice(&urls::login(), Notice::PasswordReset));
            add_cookie(&mut response, &preauth::removal())?;
            Ok(response)
        }
        Err(AppError::Gone(message)) => Err(AppError::Gone(message).into()),
        Err(other) => Err(other.into()),
    }
}
