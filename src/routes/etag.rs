//! ETags computed from what was selected (caller, query, and either secret ids and versions or
//! the Store's generation of the folder), not from the response bytes: end-to-end-encrypted
//! bodies change with every fresh IV, yet the tag must stay the same while the data does, so
//! clients polling with `If-None-Match` get 304s. A tag made from a generation can be checked
//! before anything is read (the native listing's polls).

use crate::store::Stamp;
use actix_web::body::MessageBody;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Selection(Sha256);

impl Selection {
    pub fn new(req: &HttpRequest, caller: &str) -> Self {
        let mut hasher = Sha256::new();
        for part in [caller, req.path(), req.query_string()] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        Self(hasher)
    }

    pub fn item(mut self, id: &str, version: i64) -> Self {
        self.add(id, version);
        self
    }

    pub fn add(&mut self, id: &str, version: i64) {
        self.0.update(id.as_bytes());
        self.0.update(version.to_le_bytes());
    }

    /// The selection as of the Store's generation `stamp` (a whole listing, instead of adding
    /// each secret).
    pub fn generation(mut self, stamp: Stamp) -> Self {
        self.0.update(b"generation");
        self.0.update(stamp.to_bytes());
        self
    }

    fn tag(self) -> String {
        format!("\"{}\"", hex::encode(&self.0.finalize()[..16]))
    }

    /// Whether the request's `If-None-Match` names this selection's tag (not `*`: that one
    /// holds whatever exists, which only the answer itself can tell).
    pub fn held_by(&self, req: &HttpRequest) -> bool {
        let tag = self.clone().tag();
        if_none_match(req).any(|t| t == tag)
    }

    /// The 304 for a client that holds this selection.
    pub fn not_modified(self) -> HttpResponse {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, self.tag()))
            .finish()
    }

    /// A 304 when the client already holds this selection, else the body with its ETag.
    pub fn respond(self, req: &HttpRequest, body: impl serde::Serialize) -> HttpResponse {
        match serde_json::to_string(&body) {
            Ok(json) => self.respond_json(req, json),
            Err(e) => {
                actix_web::ResponseError::error_response(&crate::error::AppError::internal(e))
            }
        }
    }

    /// [`Selection::respond`] for a body already rendered as JSON (a listing's).
    pub fn respond_json(self, req: &HttpRequest, json: impl MessageBody + 'static) -> HttpResponse {
        let tag = self.tag();
        let matches = held(req, &tag);
        let mut response = if matches {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response.insert_header((header::ETAG, tag));
        if matches {
            response.finish()
        } else {
            response
                .content_type(actix_web::http::header::ContentType::json())
                .body(json)
        }
    }
}

/// Whether `If-None-Match` lists `tag` (or `*`).
fn held(req: &HttpRequest, tag: &str) -> bool {
    if_none_match(req).any(|t| t == tag || t == "*")
}

/// The tags listed in `If-None-Match`.
fn if_none_match(req: &HttpRequest) -> impl Iterator<Item = &str> {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .into_iter()
        .flat_map(|v| v.split(',').map(str::trim))
}
