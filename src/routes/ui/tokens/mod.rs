//! Access Control > Service Tokens: the table, the create form, the one-time reveal, revoking.

pub mod create;
pub mod table;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(table::configure).configure(create::configure);
}
