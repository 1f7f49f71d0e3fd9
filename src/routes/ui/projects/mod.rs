//! The projects screen: the list, creating a project, deleting one.

pub mod list;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(list::configure);
}
