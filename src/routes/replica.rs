//! What a read replica serves (README "Read replicas"): `/healthz`, and reads by service tokens
//! on the native and Infisical routes. Every other API request is a 503 `ReadOnlyReplica`
//! naming the primary; every other address (the admin UI, its assets) is a 307 to the same
//! address on the primary, so browsers land there with the method and body they sent.
//!
//! Sessions are not served: they belong to the primary, which records their use. Machine
//! identities' access tokens would join service tokens in [`Treatment::Serve`] once they exist
//! (except tokens with a use limit, whose uses a replica cannot count).
//!
//! A replica further behind the storage than `ENVKEEP_REPLICA_MAX_LAG` (or whose database does
//! not answer) refuses reads with a 503 and `Retry-After`: it could be serving a token the
//! primary revoked long ago.

use super::callers::{presented_credential, Presented};
use crate::error::AppError;
use crate::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

/// What a replica does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    Serve,
    /// 503 `ReadOnlyReplica`.
    ToPrimary,
    /// 307 to the primary.
    Redirect,
}

/// How long a client refused for lag should wait: about one poll of a caught-up replica.
const STALE_RETRY_AFTER_SECS: u64 = 5;

pub fn treatment(method: &Method, path: &str, service_token: bool) -> Treatment {
    if path == "/healthz" {
        Treatment::Serve
    } else if path.starts_with("/api/") {
        let read = matches!(*method, Method::GET | Method::HEAD);
        if read && service_token {
            Treatment::Serve
        } else {
            Treatment::ToPrimary
        }
    } else {
        Treatment::Redirect
    }
}

pub async fn serve_reads_only(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some((state, primary_url)) = state.and_then(|state| {
        let primary = state.settings.primary_url.clone()?;
        Some((state, primary))
    }) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let service_token = matches!(
        presented_credential(req.request()),
        Presented::ServiceToken(_)
    );
    match treatment(req.method(), req.path(), service_token) {
        Treatment::Serve if req.path() == "/healthz" || state.health.is_healthy() => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Treatment::Serve => {
            let stale = AppError::Busy {
                what: "the replica is further behind than ENVKEEP_REPLICA_MAX_LAG",
                retry_after_secs: STALE_RETRY_AFTER_SECS,
            };
            Ok(req.error_response(stale).map_into_right_body())
        }
        Treatment::ToPrimary => {
            let refusal = AppError::ReadOnlyReplica { primary_url };
            Ok(req.error_response(refusal).map_into_right_body())
        }
        Treatment::Redirect => {
            let target = req
                .uri()
                .path_and_query()
                .map_or(req.path(), |p| p.as_str());
            let location = format!("{primary_url}{target}");
            let answer = HttpResponse::build(StatusCode::TEMPORARY_REDIRECT)
                .insert_header((header::LOCATION, location))
                .finish();
            Ok(req.into_response(answer).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_health_and_service_token_reads_are_served() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(treatment(&get, "/healthz", false), Treatment::Serve);
        assert_eq!(
            treatment(&get, "/api/v1/projects/p/secrets", true),
            Treatment::Serve
        );
        assert_eq!(
            treatment(&get, "/api/v3/secrets/raw", true),
            Treatment::Serve
        );
        assert_eq!(
            treatment(&get, "/api/v1/projects", false),
            Treatment::ToPrimary,
            "a session's read"
        );
        assert_eq!(
            treatment(&post, "/api/v1/projects/p/secrets", true),
            Treatment::ToPrimary
        );
        assert_eq!(
            treatment(&post, "/api/v1/auth/login", false),
            Treatment::ToPrimary
        );
        assert_eq!(treatment(&get, "/projects", false), Treatment::Redirect);
        assert_eq!(treatment(&post, "/login", false), Treatment::Redirect);
        assert_eq!(
            treatment(&get, "/static/app.css", false),
            Treatment::Redirect
        );
    }
}
