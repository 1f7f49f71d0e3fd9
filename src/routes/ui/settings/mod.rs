//! A project's settings: its environments and the danger zone.

pub mod environments;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(environments::configure);
}
