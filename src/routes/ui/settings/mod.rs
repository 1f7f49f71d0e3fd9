//! A project's settings screen: renaming the project, its environments (add, rename, reorder, delete after a
//! confirmation), the project's facts, and the danger zone (which links to deleting the project,
//! on the projects screen).

mod delete_env;
mod environments;
mod rename;
mod show;

use super::actions::action;
use super::page;

const SETTINGS: &str = "/projects/{projectId}/settings";
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let base = SETTINGS;
    let env = format!("{base}/environments/{{slug}}");
    cfg.service(page(base).route(web::get().to(show::show)))
        .service(action(&format!("{base}/rename"), SETTINGS).route(web::post().to(rename::rename)))
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
                .route(web::get().to(delete_env::confirm))
                .route(web::post().to(delete_env::delete)),
        );
}
