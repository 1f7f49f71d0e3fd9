//! The session cookie, set by the API's and the UI's login and removed by their logouts.

use crate::auth::session::COOKIE_NAME;
use crate::config::Settings;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};

pub fn session_cookie(settings: &Settings, token: &str) -> Cookie<'static> {
    Cookie::build(COOKIE_NAME, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.secure_cookies)
        .max_age(CookieDuration::seconds(
            settings.session_ttl.as_secs() as i64
        ))
        .finish()
}

pub fn expired_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE_NAME, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    cookie.make_removal();
    cookie
}
