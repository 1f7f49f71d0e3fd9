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
use actix_web::{FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

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
            let session = match admin_session(&req, Csrf::CheckedByForm).await {
                Ok(session) => session,
                Err(AppError::Unauthorized(_)) => return Err(UiError::SessionEnded),
                Err(other) => return Err(other.into()),
            };
            let form = form.await?;
            if !session.via_cookie
                || !csrf_tokens_match(form.get("csrf_token"), &session.csrf_token)
                || !same_site(&req, NullOrigin::Allowed)
            {
                return Err(UiError::Csrf);
            }
            Ok(Posted { session, form })
        })
    }
}
