//! Static files embedded in the binary (no CDN, nothing to install beside it).

use actix_web::{http::header, web, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Static;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // A static scope, so other requests skip the file pattern's regex with a prefix compare.
    cfg.service(web::scope("/static").route("/{file:.*}", web::get().to(serve)));
}

async fn serve(file: web::Path<String>) -> HttpResponse {
    match Static::get(file.as_str()) {
        Some(content) => HttpResponse::Ok()
            .content_type(
                mime_guess::from_path(file.as_str())
                    .first_or_octet_stream()
                    .as_ref(),
            )
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(content.data.into_owned()),
        None => HttpResponse::NotFound().finish(),
    }
}
