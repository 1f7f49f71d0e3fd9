//! JSON bodies above the global 256 KiB limit, for the one route that takes them (secret
//! batches, up to 1 MiB). The body guard lets that route through unread; its handler has the
//! caller authenticated first, then waits for one of a few turns (`AppState::large_bodies`), and
//! only then reads the body, within its limit and a deadline, checks its nesting and parses it.
//! So an anonymous client never gets a megabyte buffered, and however many uploads arrive at
//! once, at most `LARGE_BODIES_AT_ONCE` bodies (and their parsed entries) are in memory; the
//! others wait holding only what actix buffers for any connection before its handler reads
//! (a 128 KiB read buffer and the chunks already moved out of it).

use super::extract::json_error;
use super::json_guard::{declared_length, is_json, too_deep, MAX_DEPTH};
use crate::error::{AppError, AppResult};
use actix_web::body::{BodyStream, MessageBody};
use actix_web::http::Method;
use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::poll_fn;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// The body limit of `POST /api/v1/projects/{projectId}/secret-batches`.
pub const BATCH_BODY_LIMIT: usize = 1024 * 1024;

/// How long a request waits for a turn before it gets a 503.
const WAIT_FOR_TURN: Duration = Duration::from_secs(30);

/// How long a body may take to arrive once its turn came, so a slow sender cannot keep a turn.
const READ_DEADLINE: Duration = Duration::from_secs(30);

/// Does the request go to a route that reads its own body? The body guard runs before routing,
/// so it asks by method and path (trailing slashes are already trimmed there).
pub fn reads_own_body(method: &Method, path: &str) -> bool {
    method == Method::POST
        && path
            .strip_prefix("/api/v1/projects/")
            .and_then(|rest| rest.strip_suffix("/secret-batches"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// A parsed body and the turn it holds: keep it until the request is answered, since the
/// parsed value is most of what the turn accounts for.
pub struct LargeJson<'a, T> {
    pub value: T,
    _turn: SemaphorePermit<'a>,
}

/// Reads and parses a JSON body of at most `limit` bytes, once a turn is free.
pub async fn read<'a, T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    turns: &'a Semaphore,
    limit: usize,
) -> AppResult<LargeJson<'a, T>> {
    if !is_json(req.headers()) {
        return Err(AppError::BadRequest(String::from(
            "Send the body as JSON with Content-Type: application/json",
        )));
    }
    let declared = declared_length(req.headers());
    if declared.is_some_and(|len| len > limit) {
        return Err(AppError::PayloadTooLarge);
    }
    let turn = tokio::time::timeout(WAIT_FOR_TURN, turns.acquire())
        .await
        .map_err(|_| AppError::Unavailable(String::from("no turn for a large body in time")))?
        .map_err(AppError::internal)?;
    let body = tokio::time::timeout(READ_DEADLINE, collect(payload, declared, limit))
        .await
        .map_err(|_| {
            AppError::BadRequest(format!(
                "Could not read the body: it did not arrive within {} seconds",
                READ_DEADLINE.as_secs()
            ))
        })??;
    if too_deep(&body, MAX_DEPTH) {
        return Err(AppError::BadRequest(format!(
            "The body is not valid JSON: arrays and objects nest deeper than {MAX_DEPTH} levels"
        )));
    }
    let value = serde_json::from_slice(&body).map_err(|e| json_error(&e))?;
    Ok(LargeJson { value, _turn: turn })
}

/// The body's bytes, in one buffer that never grows past `limit` (sized from `Content-Length`
/// when sent, else doubled as chunks come, up to the limit).
async fn collect(
    payload: web::Payload,
    declared: Option<usize>,
    limit: usize,
) -> AppResult<Vec<u8>> {
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    let mut stream = std::pin::pin!(BodyStream::new(payload));
    while let Some(chunk) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("Could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        if body.capacity() - body.len() < chunk.len() {
            let wanted = (body.capacity() * 2)
                .max(body.len() + chunk.len())
                .min(limit);
            body.reserve_exact(wanted - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_batch_route_reads_its_own_body() {
        let id = "0123456789abcdef0123456789abcdef";
        let batch = format!("/api/v1/projects/{id}/secret-batches");
        assert!(reads_own_body(&Method::POST, &batch));
        assert!(!reads_own_body(&Method::PUT, &batch));
        for other in [
            format!("/api/v1/projects/{id}/secrets"),
            String::from("/api/v1/projects//secret-batches"),
            format!("/api/v1/projects/{id}/x/secret-batches"),
            format!("/api/v1/projects/{id}/secret-batches/x"),
        ] {
            assert!(!reads_own_body(&Method::POST, &other), "{other}");
        }
    }
}
