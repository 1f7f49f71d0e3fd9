//! The secrets screen of a project: browse an environment's folders, add secrets and folders,
//! edit and delete a secret.

pub mod browse;
pub mod draft;
pub mod edit;
pub mod place;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(browse::configure).configure(edit::configure);
}
