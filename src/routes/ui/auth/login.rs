//! Login and logout pages. Login lands on `next` when it is a path on this site, else on the
//! projects list.

use super::preauth;
use crate::error::AppError;
use crate::routes::callers::{admin_session, Csrf};
use crate::routes::client_ip::client_ip;
use crate::routes::cookies::{expired_cookie, session_cookie};
use crate::routes::ui::error::{UiError, UiResult};
use crate::routes::ui::form::FormData;
use crate::routes::ui::notice::{Notice, NoticeQuery};
use crate::routes::ui::pages::{add_cookie, redirect, render, Layout};
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls::{self, same_site_next};
use crate::service::accounts;
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
    })?;
    if has_cookie {
        add_cookie(&mut response, &expired_cookie())?;
    }
    Ok(response)
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
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    let email = form.text("email").trim();
    match accounts::login(
        &state.store,
        &state.guards(),
        email,
        form.text("password"),
        &ip,
    )
    .await
    {
        Ok(session) => {
            let mut response = redirect(&next);
            add_cookie(
                &mut response,
                &session_cookie(&state.settings, &session.token),
            )?;
            add_cookie(&mut response, &preauth::removal())?;
            Ok(response)
        }
        Err(AppError::Unauthorized(message)) => {
            let page = LoginPage {
                layout: Layout::default(),
                email: email.to_owned(),
                next,
                preauth: form.text("preauth").to_owned(),
                error: Some(format!("{message}.")),
            };
            render(StatusCode::UNAUTHORIZED, &page)
        }
        Err(other) => Err(other.into()),
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
