//! Shared page plumbing: rendering a template into a response, the layout data every page
//! carries, error pages in the layout, and `UiError`, which turns any failure into an HTML page
//! (the JSON body of `AppError` is for the API).

use crate::error::AppError;
use crate::routes::cookies::expired_cookie;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use std::fmt;

/// The logged-in user in the top bar, with the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct UserBar {
    pub email: String,
    pub csrf: String,
}

/// What the base layout needs: who is logged in (if anyone) and a one-line notice.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub user: Option<UserBar>,
    pub notice: Option<&'static str>,
}

/// The project header and its navigation (`section` is `secrets`, `access` or `settings`).
#[derive(Debug, Clone)]
pub struct ProjectNav {
    pub id: String,
    pub name: String,
    pub section: &'static str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
    status: u16,
    login_link: bool,
}

/// Renders a page with a status. Pages are never cached: many show secret values or tokens.
/// A rendering failure becomes a plain 500, never a panic.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::internal(format!("template rendering failed: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    error_page_with(status, title, message, false)
}

fn error_page_with(
    status: StatusCode,
    title: &str,
    message: &str,
    login_link: bool,
) -> HttpResponse {
    let page = ErrorPage {
        layout: Layout::default(),
        title,
        message,
        status: status.as_u16(),
        login_link,
    };
    match render(status, &page) {
        Ok(response) => response,
        Err(_) => HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(message.to_owned()),
    }
}

/// 303 See Other: the answer to every successful form POST (POST-redirect-GET).
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

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
            Self::SessionEnded => f.write_str("session ended"),
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
            Self::LogIn { .. } => StatusCode::SEE_OTHER,
            Self::SessionEnded | Self::Csrf => StatusCode::FORBIDDEN,
            Self::Form(status) => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::LogIn { next } => {
                let mut response = redirect(&format!("/login?next={}", super::encode::component(next)));
                // Drop a stale session cookie, so it is not presented (and counted as a failed
                // credential by the throttle) again on every page until the user logs in.
                let _ = response.add_cookie(&expired_cookie());
                response
            }
            Self::SessionEnded => error_page_with(
                status,
                "Session ended",
                "Your session has ended, so the form was not saved. Log in again and repeat the change.",
                true,
            ),
            Self::Csrf => error_page(
                status,
                "Request refused",
                "This form did not come from an open Envkeep page, or the page is too old. Go back, reload the page and try again.",
            ),
            Self::Form(status) if *status == StatusCode::PAYLOAD_TOO_LARGE => error_page(
                *status,
                title_for(*status),
                "The form is larger than the server accepts (256 KiB). Secret values may be up to 64 KiB.",
            ),
            Self::Form(status) => error_page(*status, title_for(*status), "The form could not be read."),
            Self::App(e) => {
                e.log_cause();
                let mut response = error_page(status, title_for(status), &e.public_message());
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

/// Turns a sentence fragment from a validator ("must not be empty") into a sentence.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
