//! Access Control > Service Tokens: the table of a project's tokens, the create form, the page
//! that shows a new token once, and revoking a token after a confirmation.

mod create;
mod draft;
mod expiry;
mod preview;
mod reveal;
mod revoke;
mod snippets;
mod sort;
mod table;

use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let tokens = "/projects/{projectId}/access-control/service-tokens";
    cfg.service(
        page("/projects/{projectId}/access-control").route(web::get().to(table::access_control)),
    )
    .service(page(tokens).route(web::get().to(table::show)))
    .service(page(&format!("{tokens}/created/{{reveal}}")).route(web::get().to(reveal::show)))
    .service(page(&format!("{tokens}/scope-preview")).route(web::get().to(preview::json)))
    .service(
        page(&format!("{tokens}/{{tokenId}}/revoke"))
            .route(web::get().to(revoke::confirm))
            .route(web::post().to(revoke::revoke)),
    )
    .service(
        page(&format!("{tokens}/new"))
            .route(web::get().to(create::show))
            .route(web::post().to(create::submit)),
    );
}
