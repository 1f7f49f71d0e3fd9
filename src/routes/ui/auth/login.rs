//! Login and logout pages. Login lands on `next` when it is a path on this site, else on `/`.
//! A form kept from a POST whose session had ended (`ui::resume`) rides along in hidden fields,
//! through the MFA step too, and the login then ends on the page that submits it again.

use super::preauth;
use super::resumed;
use crate::error::AppError;
use crate::routes::callers::{admin_session, Csrf};
use crate::routes::client_ip::login_client;
use crate::routes::cookies::{expired_cookie, session_cookie};
use crate::routes::ui::error::{UiError, UiResult};
use crate::routes::ui::form::FormData;
use crate::routes::ui::notice::{Notice, NoticeQuery};
use crate::routes::ui::pages::{add_cookie, redirect, render, Layout};
use crate::routes::ui::resume::{Kept, LoginAgain};
use crate::routes::ui::session::Posted;
use crate::routes::ui::summary::ErrorSummary;
use crate::routes::ui::urls::{self, same_site_next};
use crate::service::accounts;
use crate::service::login::{self, FirstStep, SecondStep};
use crate::service::sessions::Started;
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    preauth: String,
    error: Option<String>,
    kept: Option<Kept>,
}

impl LoginPage {
    fn summary(&self) -> ErrorSummary {
        ErrorSummary::of(&[("password", self.error.as_ref())])
    }
}

impl CodePage {
    fn summary(&self) -> ErrorSummary {
        ErrorSummary::of(&[("code", self.error.as_ref())])
    }
}

#[derive(Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
    notice: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    if state.setup.is_open() {
        return Ok(redirect(&urls::setup()));
    }
    let next = same_site_next(query.next.as_deref());
    // Already logged in: no second session, go straight on. A stale cookie is dropped below.
    let has_cookie = req.cookie(crate::auth::session::COOKIE_NAME).is_some();
    if has_cookie && admin_session(&req, Csrf::CheckedByHeader).await.is_ok() {
        return Ok(redirect(&next));
    }
    let mut response = preauth::form_page(&req, &state, |preauth| LoginPage {
        layout: Layout {
            user: None,
            notice: notice.notice(),
        },
        email: String::new(),
        next,
        preauth,
        error: None,
        kept: None,
    })?;
    if has_cookie {
        add_cookie(&mut response, &expired_cookie())?;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/login_code.html")]
struct CodePage {
    layout: Layout,
    step: String,
    next: String,
    preauth: String,
    error: Option<String>,
    kept: Option<Kept>,
}

/// The session cookie set, the pre-session cookie dropped, on to `next`; or, with a kept form,
/// the page that submits it again (with the new session's CSRF token).
fn logged_in(
    state: &AppState,
    next: &str,
    started: &Started,
    kept: Option<Kept>,
) -> UiResult<HttpResponse> {
    let mut response = match kept {
        Some(kept) => resumed::page(kept, &started.csrf_token, next)?,
        None => redirect(next),
    };
    add_cookie(
        &mut response,
        &session_cookie(&state.settings, &started.token),
    )?;
    add_cookie(&mut response, &preauth::removal())?;
    Ok(response)
}

/// The login page for a form POST whose session had ended, the form kept in hidden fields.
/// Any stale session cookie is dropped, so it is not presented again.
pub fn login_again(again: &LoginAgain) -> HttpResponse {
    let page = LoginPage {
        layout: Layout::default(),
        email: String::new(),
        next: again.kept.action.clone(),
        preauth: again.preauth.clone(),
        error: None,
        kept: Some(again.kept.clone()),
    };
    let answer = render(StatusCode::UNAUTHORIZED, &page).and_then(|mut response| {
        add_cookie(&mut response, &expired_cookie())?;
        if let Some(cookie) = &again.cookie {
            add_cookie(&mut response, cookie)?;
        }
        Ok(response)
    });
    answer.unwrap_or_else(|e| actix_web::ResponseError::error_response(&e))
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: FormData,
) -> UiResult<HttpResponse> {
    if !preauth::verify(&req, &state, form.get("preauth")) {
        return Err(UiError::Csrf);
    }
    let next = same_site_next(form.get("next"));
    let kept = Kept::of_login_form(&form);
    let client = login_client(&req, &state.settings.trusted_proxies);
    let email = form.text("email").trim();
    let password = form.text("password");
    match login::first_step(&state.store, &state.guards(), email, password, &client).await {
        Ok(FirstStep::Session(session)) => logged_in(&state, &next, &session, kept),
        Ok(FirstStep::Code { step }) => {
            let page = CodePage {
                layout: Layout::default(),
                step,
                next,
                preauth: form.text("preauth").to_owned(),
                error: None,
                kept,
            };
            render(StatusCode::OK, &page)
        }
        Err(AppError::Unauthorized(message)) => {
            let page = LoginPage {
                layout: Layout::default(),
                email: email.to_owned(),
                next,
                preauth: form.text("preauth").to_owned(),
                error: Some(format!("{message}.")),
                kept,
            };
            render(StatusCode::UNAUTHORIZED, &page)
        }
        Err(other) => Err(other.into()),
    }
}

/// The second step of a login with MFA: the step token (never the password again) and a code.
pub(super) async fn submit_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: FormData,
) -> UiResult<HttpResponse> {
    if !preauth::verify(&req, &state, form.get("preauth")) {
        return Err(UiError::Csrf);
    }
    let next = same_site_next(form.get("next"));
    let kept = Kept::of_login_form(&form);
    let client = login_client(&req, &state.settings.trusted_proxies);
    let outcome = login::second_step(
        &state.store,
        &state.guards(),
        form.text("step"),
        form.text("code"),
        &client,
    )
    .await?;
    match outcome {
        SecondStep::Session(session) => logged_in(&state, &next, &session, kept),
        SecondStep::Retry { step } => {
            let page = CodePage {
                layout: Layout::default(),
                step,
                next,
                preauth: form.text("preauth").to_owned(),
                error: Some(String::from("That code is wrong or was already used.")),
                kept,
            };
            render(StatusCode::UNAUTHORIZED, &page)
        }
        SecondStep::Over => {
            let page = LoginPage {
                layout: Layout::default(),
                email: String::new(),
                next,
                preauth: form.text("preauth").to_owned(),
                error: Some(String::from(
                    "The login timed out or had too many wrong codes; log in again.",
                )),
                kept,
            };
            render(StatusCode::UNAUTHORIZED, &page)
        }
    }
}

pub(super) async fn logout(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let session = &posted.session;
    accounts::logout(&state.store, session.id_hash, &session.user_id, &session.ip).await?;
    let mut response = HttpResponse::SeeOther();
    response
        .insert_header((
            header::LOCATION,
            urls::with_notice(&urls::login(), Notice::LoggedOut),
        ))
        .cookie(expired_cookie());
    Ok(response.finish())
}
