//! One error type for the whole server, mapped to HTTP in exactly one place.
//!
//! Bodies follow DESIGN §6: `{"statusCode", "message", "error", "details"?, "requestId"?}`. 5xx
//! bodies are generic and carry the request id, so a report from a user leads to the log line of
//! the cause, which is logged once, here, never sent to the client.

use crate::domain::RequestId;
use crate::time::{rfc3339, Millis};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

tokio::task_local! {
    /// The id of the request being answered. The request-log middleware sets it around each
    /// request, so a 5xx body can name it without every handler passing the id down.
    pub static REQUEST_ID: RequestId;
}

/// The id of the request being answered, when there is one (not in unit tests or jobs).
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.as_str().to_owned()).ok()
}

/// One invalid field of a well-formed request, reported with a 422.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    /// 401 for a service token whose secret was right but whose lifetime is over: the body adds
    /// `expiredAt` (DESIGN §6), which only a holder of the secret gets to see.
    #[error("Service token has expired")]
    TokenExpired { expired_at: Millis },
    /// 403 with Infisical's `ForbiddenError` name (wrong kind of credential, wrong project, IP).
    #[error("{0}")]
    Forbidden(String),
    /// 403 for an operation outside a token's scopes or permissions.
    #[error("{0}")]
    PermissionDenied(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    /// 410: a used, expired, revoked or unknown one-time code, all alike (DESIGN §6).
    #[error("{0}")]
    Gone(String),
    #[error("request body is too large")]
    PayloadTooLarge,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("too many failed attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 503 with `Retry-After`: a bounded resource (memory for listings) had no room in time.
    #[error("busy: {what}")]
    Busy {
        what: &'static str,
        retry_after_secs: u64,
    },
    /// 503 `ReadOnlyReplica`: this server is a read replica and the request needs the primary,
    /// whose URL (`ENVKEEP_PRIMARY_URL`) the message and `primaryUrl` name.
    #[error(
        "This server is a read-only replica; send this request to the primary at {primary_url}"
    )]
    ReadOnlyReplica { primary_url: String },
    /// A stored ciphertext failed authentication: tampering or a wrong key.
    #[error("integrity failure: {0}")]
    Integrity(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(cause: impl fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn error_name(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "BadRequest",
            Self::Unauthorized(_) | Self::TokenExpired { .. } => "UnauthorizedError",
            Self::Forbidden(_) => "ForbiddenError",
            Self::PermissionDenied(_) => "PermissionDenied",
            Self::NotFound(_) => "NotFound",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::Conflict(_) => "Conflict",
            Self::Gone(_) => "Gone",
            Self::PayloadTooLarge => "PayloadTooLarge",
            Self::Validation(_) => "ValidationFailure",
            Self::RateLimited { .. } => "RateLimitExceeded",
            Self::Unavailable(_) | Self::Busy { .. } => "ServiceUnavailable",
            Self::ReadOnlyReplica { .. } => "ReadOnlyReplica",
            Self::Integrity(_) | Self::Internal(_) => "InternalError",
        }
    }

    /// The message a client may see. Server-side causes never leave the process.
    /// Logs the cause of a server-side failure (never shown to the client); other errors are
    /// the client's and are not logged. Both the JSON and the HTML error answers call this.
    pub fn log_cause(&self) {
        match self {
            Self::Integrity(cause) => tracing::error!(cause = %cause, "integrity failure"),
            Self::Internal(cause) => tracing::error!(cause = %cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(cause = %cause, "service unavailable"),
            Self::Busy { what, .. } => tracing::warn!(cause = what, "service unavailable"),
            _ => {}
        }
    }

    /// The `Retry-After` seconds of a throttled request.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs }
            | Self::Busy {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn public_message(&self) -> String {
        match self {
            Self::Validation(fields) => match fields.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => String::from("Some fields are invalid; see details"),
            },
            Self::RateLimited { retry_after_secs } => format!(
                "Too many failed attempts from this address; retry in {retry_after_secs} seconds"
            ),
            Self::Unavailable(_) | Self::Busy { .. } => {
                String::from("The server is busy; try again shortly")
            }
            Self::Integrity(_) | Self::Internal(_) => {
                String::from("Something went wrong on the server; the error was logged")
            }
            Self::MethodNotAllowed => String::from("This method is not allowed on this resource"),
            Self::PayloadTooLarge => String::from("The request body is larger than the limit"),
            other => other.to_string(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    status_code: u16,
    message: String,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a [FieldError]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_url: Option<&'a str>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) | Self::TokenExpired { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::PermissionDenied(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Busy { .. } | Self::ReadOnlyReplica { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Integrity(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log_cause();
        let status = self.status_code();
        let details = match self {
            Self::Validation(fields) => Some(fields.as_slice()),
            _ => None,
        };
        let body = ErrorBody {
            status_code: status.as_u16(),
            message: self.public_message(),
            error: self.error_name(),
            details,
            request_id: status.is_server_error().then(current_request_id).flatten(),
            expired_at: match self {
                Self::TokenExpired { expired_at } => Some(rfc3339(*expired_at)),
                _ => None,
            },
            primary_url: match self {
                Self::ReadOnlyReplica { primary_url } => Some(primary_url),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        if let Some(seconds) = self.retry_after() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(body)
    }
}

/// The invalid fields of a request, as one 422.
impl From<Vec<FieldError>> for AppError {
    fn from(fields: Vec<FieldError>) -> Self {
        Self::Validation(fields)
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(err: crate::db::DbError) -> Self {
        use crate::db::DbError;
        match err {
            DbError::NotFound => Self::NotFound(String::from("The requested entity was not found")),
            DbError::Conflict(what) => Self::Conflict(what),
            DbError::Busy(cause) => Self::Unavailable(cause),
            DbError::Corrupt(what) => Self::Internal(format!("corrupt row: {what}")),
            DbError::Other(cause) => Self::Internal(cause),
            DbError::ReadOnlyReplica(primary_url) => Self::ReadOnlyReplica { primary_url },
        }
    }
}

impl From<crate::crypto::CryptoError> for AppError {
    fn from(err: crate::crypto::CryptoError) -> Self {
        Self::Integrity(err.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;
