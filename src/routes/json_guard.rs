//! Refuses JSON bodies nested deeper than `MAX_DEPTH` with a 400 before any handler parses them.
//!
//! serde_json caps recursion only for values it builds: it skips unknown fields without a limit,
//! and a struct meeting a deep array fails with a misleading 422. One scan over the bytes settles
//! every JSON route (native and Infisical-compatible) in one place. The body limit is enforced
//! here too, so nothing larger than `JSON_LIMIT` is ever buffered; the few routes that take
//! larger bodies read their own (see `large_body`).

use super::extract::JSON_LIMIT;
use super::large_body;
use crate::error::AppError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::web;

/// Far beyond any body the API takes (at most four levels), far below a stack's worth.
pub const MAX_DEPTH: usize = 64;

pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|value| {
            let mime = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
}

pub fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Does `body` nest arrays or objects deeper than `max`? Brackets inside strings do not count.
pub fn too_deep(body: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in body {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

pub async fn limit_depth(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // A route with a larger limit reads its own body, after authenticating the caller.
    if !is_json(req.headers()) || large_body::reads_own_body(req.method(), req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    // Answer with a response, not an `Err`, so the security headers wrap it like any other.
    let refuse =
        |req: ServiceRequest, error: AppError| Ok(req.error_response(error).map_into_right_body());
    if declared_length(req.headers()).is_some_and(|len| len > JSON_LIMIT) {
        return refuse(req, AppError::PayloadTooLarge);
    }
    let payload = req.extract::<web::Payload>().await?;
    let body = match payload.to_bytes_limited(JSON_LIMIT).await {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => {
            return refuse(
                req,
                AppError::BadRequest(format!("Could not read the body: {e}")),
            )
        }
        Err(_) => return refuse(req, AppError::PayloadTooLarge),
    };
    if too_deep(&body, MAX_DEPTH) {
        let message = format!(
            "The body is not valid JSON: arrays and objects nest deeper than {MAX_DEPTH} levels"
        );
        return refuse(req, AppError::BadRequest(message));
    }
    req.set_payload(Payload::from(body));
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nesting_of_arrays_and_objects_only_outside_strings() {
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(!too_deep(nest(64).as_bytes(), 64));
        assert!(too_deep(nest(65).as_bytes(), 64));
        assert!(too_deep(format!("{{\"a\":{}}}", nest(64)).as_bytes(), 64));
        let in_string = format!("{{\"a\":\"{}\"}}", "[{".repeat(1_000));
        assert!(!too_deep(in_string.as_bytes(), 64));
        assert!(!too_deep(br#"{"a":"\"[[[[","b":[1]}"#, 2));
        assert!(!too_deep(b"", 1));
    }
}
