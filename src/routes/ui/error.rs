//! `UiError`, which turns any failure of a page into an HTML page in the layout (the JSON body of
//! `AppError` is for the API), or into a trip to the login page.

use super::pages::{error_page, redirect, Offer};
use super::urls;
use crate::error::AppError;
use crate::routes::cookies::expired_cookie;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use std::fmt;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum UiError {
    App(AppError),
    /// No (live) session on a page: go to the login page and come back afterwards.
    LogIn {
        next: String,
    },
    /// A form POST whose session has ended.
    SessionEnded,
    /// A form POST whose session has ended, its fields kept: the login page carries them.
    LogInAgain(Box<super::resume::LoginAgain>),
    /// The server requires MFA and the user has none: only the Account page's enrolment (and
    /// logging out) is open, so go there.
    EnrolMfa,
    /// A form POST without the right CSRF token, or from another site.
    Csrf,
    /// The form body could not be read (too large, malformed).
    Form(StatusCode),
}

pub type UiResult<T> = Result<T, UiError>;

impl From<AppError> for UiError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl fmt::Display for UiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::App(e) => write!(f, "{e}"),
            Self::LogIn { .. } => f.write_str("login required"),
            Self::SessionEnded | Self::LogInAgain(_) => f.write_str("session ended"),
            Self::EnrolMfa => f.write_str("MFA enrolment required"),
            Self::Csrf => f.write_str("CSRF check failed"),
            Self::Form(status) => write!(f, "unreadable form ({status})"),
        }
    }
}

fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Bad request",
        401 => "Not logged in",
        403 => "Access denied",
        404 => "Page not found",
        405 => "Method not allowed",
        409 => "Conflict",
        410 => "Link no longer valid",
        413 => "Form too large",
        422 => "Invalid input",
        429 => "Too many attempts",
        503 => "Server busy",
        _ => "Something went wrong",
    }
}

impl ResponseError for UiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::App(e) => e.status_code(),
            Self::LogIn { .. } | Self::EnrolMfa => StatusCode::SEE_OTHER,
            Self::SessionEnded | Self::Csrf => StatusCode::FORBIDDEN,
            Self::LogInAgain(_) => StatusCode::UNAUTHORIZED,
            Self::Form(status) => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::LogIn { next } => {
                let mut response = redirect(&urls::login_then(next));
                // Drop a stale session cookie, so it is not presented (and counted as a failed
                // credential by the throttle) again on every page until the user logs in.
                let _ = response.add_cookie(&expired_cookie());
                response
            }
            Self::EnrolMfa => redirect(&urls::account()),
            Self::LogInAgain(again) => super::auth::login_again(again),
            Self::SessionEnded => error_page(
                status,
                "Session ended",
                "Your session has ended, so the form was not saved. Log in again and repeat the change.",
                Offer::LogIn,
            ),
            Self::Csrf => error_page(
                status,
                "Request refused",
                "This form did not come from an open Envkeep page, or the page is too old. Go back, reload the page and try again.",
                Offer::Nothing,
            ),
            Self::Form(status) if *status == StatusCode::PAYLOAD_TOO_LARGE => error_page(
                *status,
                title_for(*status),
                "The form is larger than the server accepts (256 KiB). Secret values may be up to 64 KiB.",
                Offer::Nothing,
            ),
            Self::Form(status) => error_page(
                *status,
                title_for(*status),
                "The form could not be read.",
                Offer::Nothing,
            ),
            Self::App(e) => {
                e.log_cause();
                let mut response =
                    error_page(status, title_for(status), &e.public_message(), Offer::Nothing);
                if let Some(seconds) = e.retry_after() {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
                }
                response
            }
        }
    }
}
