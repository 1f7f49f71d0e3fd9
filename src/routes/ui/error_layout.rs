//! Error pages keep the logged-in header. `pages::error_page` draws an error without knowing who
//! is looking (an extractor may have failed before any session was read; the 404 of an unknown
//! address has no handler at all) and marks its response; this middleware draws a marked page
//! again in the layout of the session its request's cookie names. So `crate::error` stays free of
//! templates, and JSON errors (the API's), which carry no mark, pass untouched.

use super::pages::{error_html, ErrorPageMark, Offer};
use super::session::layout_for;
use crate::auth::session::{self, Carrier, COOKIE_NAME};
use crate::auth::AdminSession;
use crate::error::AppError;
use crate::routes::client_ip::client_ip;
use crate::routes::cookies::expired_cookie;
use crate::state::AppState;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::Error as ActixError;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest};

/// Wraps the app: a marked error page to a request with a live session cookie is drawn again
/// with that session's top bar; a stale cookie is dropped, as the login redirect does.
pub async fn with_session(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, ActixError> {
    let cookie = req.cookie(COOKIE_NAME).map(|c| c.value().to_owned());
    let mut res = next.call(req).await?;
    let (Some(cookie), Some(mark)) = (
        cookie,
        res.response().extensions().get::<ErrorPageMark>().cloned(),
    ) else {
        return Ok(res.map_into_left_body());
    };
    // "Session ended" pages, and 401 and 429 answers, are drawn because a credential already
    // failed: asking again would only count it twice against the client's failure throttle.
    let failed_already = matches!(
        res.status(),
        StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
    );
    if mark.offer == Offer::LogIn || failed_already {
        return Ok(res.map_into_left_body());
    }
    let session = match live_session(res.request(), &cookie).await {
        Ok(session) => session,
        // Only a cookie the server says is dead is dropped: a busy database or a throttled
        // address says nothing about it, and dropping it would log a live user out.
        Err(Some(AppError::Unauthorized(_))) => {
            let _ = res.response_mut().add_cookie(&expired_cookie());
            return Ok(res.map_into_left_body());
        }
        Err(_) => return Ok(res.map_into_left_body()),
    };
    match error_html(layout_for(&session), &mark) {
        Some(html) => Ok(res.map_body(|_, _| EitherBody::right(BoxBody::new(html)))),
        None => Ok(res.map_into_left_body()),
    }
}

/// The session of `cookie`, checked like every session (an unknown one counts as a failed
/// credential); the refusal when it is not live (`None`: no app state to ask). An owner's MFA
/// requirement does not matter here: the header only shows who is logged in, and every link in
/// it checks again.
async fn live_session(req: &HttpRequest, cookie: &str) -> Result<AdminSession, Option<AppError>> {
    let state = req.app_data::<web::Data<AppState>>().ok_or(None)?;
    let ip = client_ip(req, &state.settings.trusted_proxies);
    session::authenticate(&state.store, &state.throttle, cookie, Carrier::Cookie, ip)
        .await
        .map_err(Some)
}
