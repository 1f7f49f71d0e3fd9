//! Who is looking at a page. `UiSession` (GET pages) sends a visitor without a session to
//! `/login?next=…`; `Posted` (form POSTs) also reads the form and checks its `csrf_token` field
//! against the session's token in constant time, plus a same-site `Origin`, answering 403 when
//! either is wrong.

use super::error::UiError;
use super::form::FormData;
use super::notice::Notice;
use super::pages::{Layout, UserBar};
use crate::auth::session::csrf_tokens_match;
use crate::auth::{AdminSession, Caller};
use crate::error::AppError;
use crate::routes::callers::{admin_session, same_site, Csrf, NullOrigin};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a large form waits for a turn before it gets a 503, and then for its body.
const WAIT_FOR_TURN: Duration = Duration::from_secs(30);

pub struct UiSession(pub AdminSession);

impl UiSession {
    pub fn layout(&self) -> Layout {
        layout_for(&self.0)
    }

    pub fn caller(&self) -> Caller {
        Caller::Admin(self.0.clone())
    }

    /// The layout with the notice a redirect asked for (`?notice=`), if any.
    pub fn layout_with(&self, notice: Option<Notice>) -> Layout {
        Layout {
            notice,
            ..self.layout()
        }
    }
}

pub fn layout_for(session: &AdminSession) -> Layout {
    Layout {
        user: Some(UserBar {
            email: session.email.clone(),
            csrf: session.csrf_token.clone(),
            session: session.clone(),
        }),
        notice: None,
    }
}

fn page_target(req: &HttpRequest) -> String {
    match req.uri().query() {
        Some(query) => format!("{}?{query}", req.path()),
        None => req.path().to_owned(),
    }
}

impl FromRequest for UiSession {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match admin_session(&req, Csrf::CheckedByHeader).await {
                Ok(session) => Ok(UiSession(session)),
                Err(AppError::Unauthorized(_)) => Err(UiError::LogIn {
                    next: page_target(&req),
                }),
                Err(AppError::MfaEnrolmentRequired(_)) => Err(UiError::EnrolMfa),
                Err(other) => Err(other.into()),
            }
        })
    }
}

/// A form POST from a logged-in admin whose CSRF token checked out.
pub struct Posted {
    pub session: AdminSession,
    pub form: FormData,
}

impl Posted {
    pub fn layout(&self) -> Layout {
        layout_for(&self.session)
    }

    pub fn caller(&self) -> Caller {
        Caller::Admin(self.session.clone())
    }
}

impl FromRequest for Posted {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let form = FormData::extract(&req, payload);
        Box::pin(async move {
            let session = match posting_session(&req).await {
                Ok(session) => session,
                // The form is read after all, to keep what was typed through the login.
                Err(UiError::SessionEnded) => {
                    return Err(super::resume::session_ended(&req, form.await.ok()))
                }
                Err(other) => return Err(other),
            };
            checked(&req, session, form.await?)
        })
    }
}

/// The session of a form POST; the form is read only once it is known.
async fn posting_session(req: &HttpRequest) -> Result<AdminSession, UiError> {
    match admin_session(req, Csrf::CheckedByForm).await {
        Ok(session) => Ok(session),
        Err(AppError::Unauthorized(_)) => Err(UiError::SessionEnded),
        Err(AppError::MfaEnrolmentRequired(_)) => Err(UiError::EnrolMfa),
        Err(other) => Err(other.into()),
    }
}

fn checked(req: &HttpRequest, session: AdminSession, form: FormData) -> Result<Posted, UiError> {
    if !session.via_cookie
        || !csrf_tokens_match(form.get("csrf_token"), &session.csrf_token)
        || !same_site(req, NullOrigin::Allowed)
    {
        return Err(UiError::Csrf);
    }
    Ok(Posted { session, form })
}

impl Posted {
    /// A form larger than the app's form limit (the `.env` import, up to its resource's
    /// `FormConfig`): read only after the session checked out and once one of the few turns for
    /// large bodies (`turns`) is free, held until the answer, so however many arrive at once at
    /// most that many large forms are in memory.
    pub async fn large<'a>(
        req: &HttpRequest,
        payload: web::Payload,
        turns: &'a Semaphore,
    ) -> Result<(Posted, SemaphorePermit<'a>), UiError> {
        let session = posting_session(req).await?;
        let turn = tokio::time::timeout(WAIT_FOR_TURN, turns.acquire())
            .await
            .map_err(|_| AppError::Unavailable(String::from("no turn for a large form in time")))?
            .map_err(AppError::internal)?;
        // A slow sender must not keep a turn: the whole form arrives within the deadline.
        let form = FormData::extract(req, &mut payload.into_inner());
        let form = tokio::time::timeout(WAIT_FOR_TURN, form)
            .await
            .map_err(|_| UiError::Form(StatusCode::BAD_REQUEST))??;
        Ok((checked(req, session, form)?, turn))
    }
}
