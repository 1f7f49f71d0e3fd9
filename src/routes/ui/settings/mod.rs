//! A project's settings screen: renaming the project, its environments (add, rename, reorder, delete after a
//! confirmation), the project's facts, and the danger zone (which links to deleting the project,
//! on the projects screen).

mod delete_env;
mod environments;
mod rename;
mod show;

use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let base = "/projects/{projectId}/settings";
    let env = format!("{base}/environments/{{slug}}");
    cfg.service(page(base).route(web::get().to(show::show)))
        .service(page(&format!("{base}/rename")).route(web::post().to(rename::rename)))
        .service(page(&format!("{base}/environments")).route(web::post().to(environments::add)))
        .service(page(&format!("{env}/rename")).route(web::post().to(environments::rename)))
        .service(page(&format!("{env}/move")).route(web::post().to(environments::move_one)))
        .service(
            page(&format!("{env}/delete"))
                .route(web::get().to(delete_env::confirm))
                .route(web::post().to(delete_env::delete)),
        );
}
