//! The secrets screen of a project: browse an environment's folders (environment tabs, folder
//! breadcrumb, sub-folders, a table of secrets), add a secret or a folder there, edit a secret and
//! delete it after a confirmation; import a `.env` file into a folder (preview, then
//! confirm) and download a folder as one; the Overview of a folder in every environment.

mod add;
mod browse;
mod delete;
mod diff;
mod draft;
mod edit;
mod export;
mod history;
mod import;
mod imports;
mod overview;
mod place;
mod preview;
mod restore_folder;
mod trash;

use super::actions::action;
use super::page;

const ENV: &str = "/projects/{projectId}/secrets/{env}";
const TRASH: &str = "/projects/{projectId}/secrets/{env}/trash";
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let env = ENV;
    cfg.service(
        page("/projects/{projectId}/secrets").route(web::get().to(browse::first_environment)),
    )
    .service(page(env).route(web::get().to(browse::show)))
    .service(page("/projects/{projectId}/overview").route(web::get().to(overview::show)))
    .service(action(&format!("{env}/add"), ENV).route(web::post().to(add::secret)))
    .service(action(&format!("{env}/folders"), ENV).route(web::post().to(add::folder)))
    .service(
        page(&format!("{env}/edit"))
            .route(web::get().to(edit::show))
            .route(web::post().to(edit::save)),
    )
    .service(
        page(&format!("{env}/import"))
            .app_data(import::form_config())
            .route(web::post().to(import::import)),
    )
    .service(page(&format!("{env}/imports")).route(web::post().to(imports::add)))
    .service(
        page(&format!("{env}/imports/{{importId}}/remove")).route(web::post().to(imports::remove)),
    )
    .service(
        page(&format!("{env}/imports/{{importId}}/move")).route(web::post().to(imports::move_to)),
    )
    .service(page(&format!("{env}/preview")).route(web::get().to(preview::show)))
    .service(page(&format!("{env}/export")).route(web::get().to(export::download)))
    .service(
        page(&format!("{env}/delete"))
            .route(web::get().to(delete::confirm))
            .route(web::post().to(delete::delete)),
    )
    .service(page(&format!("{env}/history")).route(web::get().to(history::show)))
    .service(
        page(&format!("{env}/history/restore"))
            .route(web::get().to(history::confirm))
            .route(web::post().to(history::restore)),
    )
    .service(page(&format!("{env}/trash")).route(web::get().to(trash::show)))
    .service(action(&format!("{env}/trash/restore"), TRASH).route(web::post().to(trash::restore)))
    .service(
        page(&format!("{env}/restore"))
            .route(web::get().to(restore_folder::show))
            .route(web::post().to(restore_folder::apply)),
    );
}
