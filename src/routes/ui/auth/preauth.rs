//! CSRF protection for the forms shown before a session exists (login, setup): a double-submit
//! token. GET sets a random value in an HttpOnly, SameSite=Strict cookie and in a hidden field;
//! POST must carry both, equal. A cross-site page can neither read the cookie nor make the
//! browser send it, so it cannot log a victim into the attacker's account (login CSRF).

use crate::auth::session::csrf_tokens_match;
use crate::crypto::random;
use crate::routes::callers::{same_site, NullOrigin};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{add_cookie, render};
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

pub const COOKIE_NAME: &str = "envkeep_preauth";

/// The token for the form, and the cookie to set when the browser has none yet.
fn token(req: &HttpRequest, state: &AppState) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = req.cookie(COOKIE_NAME) {
        let value = existing.value();
        if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            return (value.to_owned(), None);
        }
    }
    let value = random::hex32();
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

/// Does the form's `preauth` field match the cookie (and the Origin, when sent, this site)?
pub fn verify(req: &HttpRequest, presented: Option<&str>) -> bool {
    match req.cookie(COOKIE_NAME) {
        Some(cookie) => {
            csrf_tokens_match(presented, cookie.value()) && same_site(req, NullOrigin::Allowed)
        }
        None => false,
    }
}

pub fn removal() -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE_NAME, "").path("/").finish();
    cookie.make_removal();
    cookie
}
