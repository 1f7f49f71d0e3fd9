//! A project's settings screen: its environments (add, rename, reorder, delete after a
//! confirmation), the project's facts, and the danger zone (which links to deleting the project,
//! on the projects screen).

mod environments;
mod show;

use super::actions::action;
use super::page;

const SETTINGS: &str = "/projects/{projectId}/settings";
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let base = SETTINGS;
    let env = format!("{base}/environments/{{slug}}");
    cfg.service(page(base).route(web::get().to(show::show)))
        .service(
            action(&format!("{base}/environments"), SETTINGS)
                .route(web::post().to(environments::add)),
        )
        .service(
            action(&format!("{env}/rename"), SETTINGS).route(web::post().to(environments::rename)),
        )
        .service(
            action(&format!("{env}/move"), SETTINGS).route(web::post().to(environments::move_one)),
        )
        .service(
            page(&format!("{env}/delete"))
                .route(web::get().to(environments::confirm_delete))
                .route(web::post().to(environments::delete)),
        );
}
