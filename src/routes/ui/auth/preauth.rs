//! CSRF protection for the forms shown before a session exists (login, setup): a double-submit
//! token. GET sets a token in an HttpOnly, SameSite=Strict cookie and in a hidden field; POST
//! must carry both, equal. A cross-site page can neither read the cookie nor make the browser
//! send it, so it cannot log a victim into the attacker's account (login CSRF). The token is one
//! the server issued and signed (`auth::preauth`): a cookie with a made-up value, planted from
//! elsewhere, is replaced on GET and refused on POST, and a browser that has a good one keeps
//! it, so a second login tab does not break the first.

use crate::auth::session::csrf_tokens_match;
use crate::routes::callers::{same_site, NullOrigin};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{add_cookie, render};
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

pub const COOKIE_NAME: &str = "envkeep_preauth";

/// The token for the form, and the cookie to set when the browser has no token we issued.
pub fn token(req: &HttpRequest, state: &AppState) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = req.cookie(COOKIE_NAME) {
        if state.preauth.is_issued(existing.value()) {
            return (existing.value().to_owned(), None);
        }
    }
    let value = state.preauth.issue();
    let cookie = Cookie::build(COOKIE_NAME, value.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .finish();
    (value, Some(cookie))
}

/// Renders a page whose form carries the token: `page` builds it around the token's value.
pub fn form_page<T: Template>(
    req: &HttpRequest,
    state: &AppState,
    page: impl FnOnce(String) -> T,
) -> UiResult<HttpResponse> {
    let (value, cookie) = token(req, state);
    let mut response = render(StatusCode::OK, &page(value))?;
    if let Some(cookie) = cookie {
        add_cookie(&mut response, &cookie)?;
    }
    Ok(response)
}

/// Does the form's `preauth` field match the cookie, is the cookie a token we issued, and is the
/// Origin, when sent, this site?
pub fn verify(req: &HttpRequest, state: &AppState, presented: Option<&str>) -> bool {
    match req.cookie(COOKIE_NAME) {
        Some(cookie) => {
            state.preauth.is_issued(cookie.value())
                && csrf_tokens_match(presented, cookie.value())
                && same_site(req, NullOrigin::Allowed)
        }
        None => false,
    }
}

pub fn removal() -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE_NAME, "").path("/").finish();
    cookie.make_removal();
    cookie
}
