//! The server-rendered admin UI (askama). Pages are one template struct per view.

pub mod pages;
pub mod setup;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(setup::configure);
}
