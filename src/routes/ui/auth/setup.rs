//! First-run setup page: setup code, e-mail, password, confirmation. Closed once a user exists.
//! A refused form comes back with what was typed (the setup code too, never the passwords) and
//! an error summary linking the field to fix.

use super::preauth;
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::routes::client_ip::client_ip;
use crate::routes::ui::error::{UiError, UiResult};
use crate::routes::ui::form::FormData;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout};
use crate::routes::ui::summary::ErrorSummary;
use crate::routes::ui::urls;
use crate::service::accounts;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// The front door: setup while it is open, else the projects (which ask for a login if needed).
pub(super) async fn home(state: web::Data<AppState>) -> HttpResponse {
    redirect(&if state.setup.is_open() {
        urls::setup()
    } else {
        urls::projects()
    })
}

#[derive(Template, Default)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    layout: Layout,
    setup_code: String,
    email: String,
    preauth: String,
    error: Option<String>,
    /// The id of the field `error` is about.
    error_field: &'static str,
}

impl SetupPage {
    fn summary(&self) -> ErrorSummary {
        ErrorSummary::of(&[(self.error_field, self.error.as_ref())])
    }
}

pub(super) async fn show(state: web::Data<AppState>, req: HttpRequest) -> UiResult<HttpResponse> {
    if !state.setup.is_open() {
        return Ok(redirect(&urls::login()));
    }
    preauth::form_page(&req, &state, |preauth| SetupPage {
        preauth,
        ..SetupPage::default()
    })
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: FormData,
) -> UiResult<HttpResponse> {
    if !state.setup.is_open() {
        return Ok(redirect(&urls::login()));
    }
    if !preauth::verify(&req, &state, form.get("preauth")) {
        return Err(UiError::Csrf);
    }
    let again = |field: &'static str, error: String| -> UiResult<HttpResponse> {
        let page = SetupPage {
            layout: Layout::default(),
            setup_code: form.text("setup_code").trim().to_owned(),
            email: form.text("email").to_owned(),
            preauth: form.text("preauth").to_owned(),
            error: Some(error),
            error_field: field,
        };
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    if form.text("password") != form.text("confirm") {
        return again("confirm", String::from("The passwords do not match."));
    }
    let email = match Email::parse(form.text("email")) {
        Ok(email) => email,
        Err(e) => return again("email", format!("Email {e}.")),
    };
    let password = match Password::parse(form.text("password")) {
        Ok(password) => password,
        Err(e) => return again("password", format!("Password {e}.")),
    };
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    match accounts::setup(
        &state.store,
        &state.guards(),
        form.text("setup_code"),
        email,
        password,
        &ip,
    )
    .await
    {
        Ok(_) => Ok(redirect(&urls::with_notice(
            &urls::login(),
            Notice::SetupDone,
        ))),
        Err(AppError::Unauthorized(message)) => again("setup_code", format!("{message}.")),
        Err(other) => Err(other.into()),
    }
}
