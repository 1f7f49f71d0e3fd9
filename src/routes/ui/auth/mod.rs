//! Getting in and out: the front door (`/`), first-run setup, login and logout. The forms shown
//! before a session exists carry a double-submit token (`preauth`) instead of a session's CSRF
//! token.

mod invite;
mod login;
pub mod preauth;
mod resumed;
mod setup;

pub use login::login_again;

use super::actions::action;
use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/").route(web::get().to(setup::home)))
        .service(
            page("/setup")
                .route(web::get().to(setup::show))
                .route(web::post().to(setup::submit)),
        )
        .service(
            page("/login")
                .route(web::get().to(login::show))
                .route(web::post().to(login::submit)),
        )
        .service(action("/login/code", "/login").route(web::post().to(login::submit_code)))
        .service(action("/logout", "/").route(web::post().to(login::logout)))
        .service(
            page("/invite/{code}")
                .route(web::get().to(invite::show))
                .route(web::post().to(invite::submit)),
        );
}
