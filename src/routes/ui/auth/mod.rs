//! Getting in and out: the front door, first-run setup, login and logout.

pub mod login;
pub mod preauth;
pub mod setup;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(setup::configure).configure(login::configure);
}
