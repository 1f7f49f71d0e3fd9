//! The MFA forms of the Account page. Starting enrolment shows the QR code and the secret on the
//! page itself (they are in no link and no redirect); confirming shows the recovery codes once,
//! with a download.

use super::qr;
use super::show::{done, page, EnrolView, Extras};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{render, sentence, Layout};
use crate::routes::ui::session::{layout_for, Posted};
use crate::service::mfa;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "account/recovery.html")]
struct RecoveryPage {
    layout: Layout,
    codes: Vec<String>,
    download: String,
}

fn recovery_page(posted: &Posted, codes: Vec<String>) -> UiResult<HttpResponse> {
    let text = format!("Envkeep recovery codes\n\n{}\n", codes.join("\n"));
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        crate::percent::encode(&text, crate::percent::Slash::Encoded)
    );
    let page = RecoveryPage {
        layout: layout_for(&posted.session),
        codes,
        download,
    };
    render(StatusCode::OK, &page)
}

/// The page again with the MFA section's message: a wrong password or code is the person's
/// mistake (422); anything else is an error page.
async fn refused(state: &AppState, posted: &Posted, error: AppError) -> UiResult<HttpResponse> {
    refused_keeping(state, posted, error, None).await
}

/// `refused`, with the enrolment still waiting for its code shown again.
async fn refused_keeping(
    state: &AppState,
    posted: &Posted,
    error: AppError,
    enrolment: Option<EnrolView>,
) -> UiResult<HttpResponse> {
    let message = match &error {
        AppError::Validation(fields) => fields
            .first()
            .map(|f| format!("The {} {}", f.field, f.message))
            .unwrap_or_default(),
        AppError::Conflict(message) => message.clone(),
        _ => return Err(error.into()),
    };
    let extras = Extras {
        mfa_error: Some(sentence(&message)),
        enrolment,
        ..Extras::default()
    };
    let session = &posted.session;
    page(
        state,
        session,
        layout_for(session),
        StatusCode::UNPROCESSABLE_ENTITY,
        extras,
    )
    .await
}

pub(super) async fn begin(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let session = &posted.session;
    let password = posted.form.text("password");
    match mfa::begin(&state.store, &state.guards(), session, password).await {
        Ok(enrolment) => {
            let extras = Extras {
                enrolment: Some(EnrolView {
                    qr: qr::data_uri(&enrolment.otpauth_url),
                    secret: enrolment.secret,
                }),
                ..Extras::default()
            };
            page(&state, session, layout_for(session), StatusCode::OK, extras).await
        }
        Err(error) => refused(&state, &posted, error).await,
    }
}

pub(super) async fn confirm(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let code = posted.form.text("code");
    match mfa::confirm(&state.store, &state.throttle, &posted.session, code).await {
        Ok(codes) => recovery_page(&posted, codes),
        Err(error) => {
            // A wrong code keeps the enrolment: the same secret and QR code, not a new start.
            let pending = mfa::pending_enrolment(&state.store, &posted.session).await?;
            let enrolment = pending.map(|enrolment| EnrolView {
                qr: qr::data_uri(&enrolment.otpauth_url),
                secret: enrolment.secret,
            });
            refused_keeping(&state, &posted, error, enrolment).await
        }
    }
}

pub(super) async fn disable(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let (password, code) = (posted.form.text("password"), posted.form.text("code"));
    match mfa::disable(
        &state.store,
        &state.guards(),
        &posted.session,
        password,
        code,
    )
    .await
    {
        Ok(()) => Ok(done(Notice::MfaOff)),
        Err(error) => refused(&state, &posted, error).await,
    }
}

pub(super) async fn recovery_codes(
    state: web::Data<AppState>,
    posted: Posted,
) -> UiResult<HttpResponse> {
    let (password, code) = (posted.form.text("password"), posted.form.text("code"));
    let session = &posted.session;
    match mfa::regenerate_recovery_codes(&state.store, &state.guards(), session, password, code)
        .await
    {
        Ok(codes) => recovery_page(&posted, codes),
        Err(error) => refused(&state, &posted, error).await,
    }
}
