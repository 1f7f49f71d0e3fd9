//! The Account page and its password and sessions forms. Forms that fail show the page again
//! with the message beside the section; accepted ones redirect back with a notice.

use crate::auth::AdminSession;
use crate::domain::Password;
use crate::error::AppError;
use crate::routes::cookies::expired_cookie;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::{Notice, NoticeQuery};
use crate::routes::ui::pages::{add_cookie, redirect, render, sentence, Layout};
use crate::routes::ui::session::{layout_for, Posted, UiSession};
use crate::routes::ui::summary::ErrorSummary;
use crate::routes::ui::urls;
use crate::service::mfa::{self, MfaStatus};
use crate::service::{passwords, sessions};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

/// A pending enrolment as the page shows it: the QR code and the secret to type instead.
pub struct EnrolView {
    pub secret: String,
    pub qr: Option<String>,
}

pub struct SessionRow {
    pub end_href: String,
    pub created: Option<When>,
    pub last_seen: Option<When>,
    pub ip: String,
    pub user_agent: String,
    pub current: bool,
}

/// What varies between showings of the page: a pending enrolment, or a refused form's message.
#[derive(Default)]
pub struct Extras {
    pub enrolment: Option<EnrolView>,
    pub password_error: Option<String>,
    pub mfa_error: Option<String>,
}

#[derive(Template)]
#[template(path = "account/page.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    must_enrol: bool,
    mfa: MfaStatus,
    extras: Extras,
    sessions: Vec<SessionRow>,
}

impl AccountPage {
    /// The refused form's message, linking the field to fix.
    fn summary(&self) -> ErrorSummary {
        let mfa_field = if self.extras.enrolment.is_some() {
            "confirm-code"
        } else {
            "mfa"
        };
        ErrorSummary::of(&[
            (mfa_field, self.extras.mfa_error.as_ref()),
            ("current_password", self.extras.password_error.as_ref()),
        ])
    }
}

/// Renders the Account page for `session` with `status`.
pub async fn page(
    state: &AppState,
    session: &AdminSession,
    layout: Layout,
    status: StatusCode,
    extras: Extras,
) -> UiResult<HttpResponse> {
    let mfa = mfa::status(&state.store, &session.user_id).await?;
    let must_enrol = session.mfa.must_enrol(state.settings.require_mfa);
    let now = now_millis();
    let sessions = if must_enrol {
        Vec::new()
    } else {
        sessions::list(&state.store, session)
            .await?
            .into_iter()
            .map(|s| SessionRow {
                end_href: format!("/account/sessions/{}/end", s.id),
                created: when_rfc3339(&s.created_at, now),
                last_seen: when_rfc3339(&s.last_seen_at, now),
                ip: s.ip.unwrap_or_default(),
                user_agent: s.user_agent.unwrap_or_default(),
                current: s.current,
            })
            .collect()
    };
    let page = AccountPage {
        layout,
        email: session.email.clone(),
        must_enrol,
        mfa,
        extras,
        sessions,
    };
    render(status, &page)
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    notice: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let layout = ui.layout_with(notice.notice());
    page(&state, &ui.0, layout, StatusCode::OK, Extras::default()).await
}

/// Back to the Account page with `notice`.
pub fn done(notice: Notice) -> HttpResponse {
    redirect(&urls::with_notice(&urls::account(), notice))
}

pub(super) async fn change_password(
    state: web::Data<AppState>,
    posted: Posted,
) -> UiResult<HttpResponse> {
    let session = &posted.session;
    let refused = |message: String| Extras {
        password_error: Some(sentence(&message)),
        ..Extras::default()
    };
    let new = match Password::parse(posted.form.text("new_password")) {
        Ok(new) => new,
        Err(e) => {
            let extras = refused(format!("The new password {}", e.0));
            return page(
                &state,
                session,
                layout_for(session),
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
            )
            .await;
        }
    };
    let current = posted.form.text("current_password");
    match passwords::change(&state.store, &state.guards(), session, current, new).await {
        Ok(_) => Ok(done(Notice::PasswordChanged)),
        Err(AppError::Validation(_)) => {
            let extras = refused(String::from("The current password is wrong"));
            page(
                &state,
                session,
                layout_for(session),
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn end_session(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let session = &posted.session;
    sessions::end(&state.store, session, &path).await?;
    if path.as_str() == session.public_id {
        let mut response = redirect(&urls::with_notice(&urls::login(), Notice::LoggedOut));
        add_cookie(&mut response, &expired_cookie())?;
        return Ok(response);
    }
    Ok(done(Notice::SessionEnded))
}
