//! First-run setup page: setup code, e-mail, password, confirmation. Closed once a user exists.

use super::pages::{redirect, render};
use crate::auth::client_ip::client_ip;
use crate::domain::{Email, Password};
use crate::error::{AppError, AppResult};
use crate::service::accounts;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/setup", web::get().to(show))
        .route("/setup", web::post().to(submit));
}

async fn home(state: web::Data<AppState>) -> HttpResponse {
    redirect(if state.setup_open() {
        "/setup"
    } else {
        "/login"
    })
}

#[derive(Template, Default)]
#[template(path = "setup.html")]
struct SetupPage {
    email: String,
    error: Option<String>,
}

async fn show(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if !state.setup_open() {
        return Ok(redirect("/login"));
    }
    render(StatusCode::OK, &SetupPage::default())
}

#[derive(Deserialize)]
struct SetupForm {
    setup_code: String,
    email: String,
    password: String,
    confirm: String,
}

async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SetupForm>,
) -> AppResult<HttpResponse> {
    if !state.setup_open() {
        return Ok(redirect("/login"));
    }
    let again = |error: String| {
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                email: form.email.clone(),
                error: Some(error),
            },
        )
    };
    if form.password != form.confirm {
        return again(String::from("The passwords do not match."));
    }
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(e) => return again(format!("E-mail {e}.")),
    };
    let password = match Password::parse(&form.password) {
        Ok(password) => password,
        Err(e) => return again(format!("Password {e}.")),
    };
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    match accounts::setup(&state, &form.setup_code, email, password, ip).await {
        Ok(_) => Ok(redirect("/login")),
        Err(AppError::Unauthorized(message)) => again(message),
        Err(other) => Err(other),
    }
}
