//! The native JSON API under `/api/v1`.

pub mod accounts;
pub mod environments;
pub mod folders;
pub mod location;
pub mod projects;
pub mod responses;
pub mod secrets;
pub mod service_tokens;

use super::method_not_allowed;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(accounts::configure)
        .configure(projects::configure)
        .configure(environments::configure)
        .configure(folders::configure)
        .configure(secrets::configure)
        .configure(service_tokens::configure);
}

/// A resource whose unlisted methods answer a JSON 405.
pub fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}
