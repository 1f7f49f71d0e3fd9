//! The projects screen: the list of projects with the new-project form (and the live check of
//! its name and slug), and deleting a project after typing its name. A project's own pages are
//! the secrets, tokens and settings screens (renaming is in its settings).

pub mod check;
mod delete;
mod list;

use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        page("/projects")
            .route(web::get().to(list::show))
            .route(web::post().to(list::create)),
    )
    // Before `/projects/{projectId}`, which would take it for a project id.
    .service(page("/projects/name-check").route(web::get().to(check::show)))
    .service(page("/projects/{projectId}").route(web::get().to(list::open)))
    .service(
        page("/projects/{projectId}/delete")
            .route(web::get().to(delete::confirm))
            .route(web::post().to(delete::delete)),
    );
}
