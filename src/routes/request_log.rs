//! One `tracing` span per request and one log line when it is answered.
//!
//! The span carries the method, the matched route *pattern* (`/api/v1/projects/{projectId}`),
//! the request id, who called (`caller_kind` `user`, `service_token` or `anonymous`, the words
//! of the audit log, and `caller_id`, a user or token id), the status and the time to the
//! response in milliseconds. Every line logged while the request runs (an internal error's
//! cause, say) is inside the span, so it carries the request id too.
//!
//! Never logged: the raw path or query (one-time codes and secret keys travel there), headers,
//! cookies, token secrets, session ids, passwords, bodies.

use crate::domain::RequestId;
use crate::error::REQUEST_ID;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;
use tracing::field::{display, Empty};
use tracing::{Instrument, Span};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route of a request that no route matched (a 404), or whose route is not known.
pub const UNMATCHED: &str = "<unmatched>";

/// The request's span, kept in its extensions so the extractors in `callers` can name the
/// caller on it as soon as the credential checks out.
struct RequestLog {
    span: Span,
    caller_noted: Cell<bool>,
}

/// Records who the request's credential belongs to: `kind` in the audit log's words and the
/// user or token id, never a secret. The first call wins (a page may authenticate twice).
pub fn note_caller(req: &HttpRequest, kind: &'static str, id: &str) {
    let extensions = req.extensions();
    let Some(log) = extensions.get::<Rc<RequestLog>>() else {
        return;
    };
    if !log.caller_noted.replace(true) {
        log.span.record("caller_kind", display(kind));
        log.span.record("caller_id", display(id));
    }
}

fn request_id(req: &ServiceRequest) -> RequestId {
    req.headers()
        .get(&X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .and_then(RequestId::parse)
        .unwrap_or_else(RequestId::generate)
}

/// The middleware: opens the span, answers inside it, logs the line and sets `X-Request-Id`.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let header = HeaderValue::from_str(id.as_str()).ok();
    // An ERROR-level span is enabled whenever error lines are, so a cause logged under
    // `RUST_LOG=warn` still names its request; the INFO request line is filtered as usual.
    let span = tracing::error_span!(
        "request",
        method = %req.method(),
        route = Empty,
        request_id = %id,
        caller_kind = Empty,
        caller_id = Empty,
        status = Empty,
        duration_ms = Empty,
    );
    let log = Rc::new(RequestLog {
        span: span.clone(),
        caller_noted: Cell::new(false),
    });
    req.extensions_mut().insert(log.clone());
    let answer = async move {
        match next.call(req).await {
            Ok(mut res) => {
                // After routing, this is a lookup by the matched resource, not a new match.
                let route = res.request().match_pattern();
                finish(&log, route.as_deref(), res.status(), started);
                if let Some(value) = header {
                    res.headers_mut().insert(X_REQUEST_ID, value);
                }
                Ok(res)
            }
            // No service inside answers with an `Err` today; should one, its response is built
            // here, inside the request id's scope, so it still names the request.
            Err(error) => {
                let mut response = error.error_response();
                finish(&log, None, response.status(), started);
                if let Some(value) = header {
                    response.headers_mut().insert(X_REQUEST_ID, value);
                }
                Err(InternalError::from_response(error, response).into())
            }
        }
    };
    REQUEST_ID.scope(id, answer.instrument(span)).await
}

fn finish(log: &RequestLog, route: Option<&str>, status: StatusCode, started: Instant) {
    let span = &log.span;
    // `display`, so the text format shows them unquoted like the other fields.
    span.record("route", display(route.unwrap_or(UNMATCHED)));
    if !log.caller_noted.get() {
        span.record("caller_kind", display("anonymous"));
    }
    span.record("status", status.as_u16());
    // Microsecond precision: most answers take well under a millisecond.
    span.record("duration_ms", started.elapsed().as_micros() as f64 / 1000.0);
    if status.is_server_error() {
        tracing::error!(parent: span, "request answered");
    } else {
        tracing::info!(parent: span, "request answered");
    }
}
