//! The native JSON API under `/api/v1`.

pub mod accounts;
pub mod environments;
pub mod folders;
pub mod location;
pub mod projects;
pub mod responses;
pub mod schema;
pub mod secrets;
pub mod service_tokens;

use super::method_not_allowed;
use actix_web::web;

/// The project routes are registered relative to this scope: `""`, `/{projectId}/secrets`, ...
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(accounts::configure).service(
        // actix-router tries a request against each dynamic route in turn, one regex search
        // each, until one matches (about 20 % of a token request's instructions were routing).
        // Behind one static prefix, requests for other routes (Infisical's, the UI's) skip all
        // of these with a string compare, and listing the secrets routes first puts the hot
        // path's match first. Unmatched paths fall through to the app's JSON 404.
        web::scope("/api/v1/projects")
            .configure(secrets::configure)
            .configure(projects::configure)
            .configure(environments::configure)
            .configure(folders::configure)
            .configure(service_tokens::configure),
    );
}

/// A resource whose unlisted methods answer a JSON 405.
pub fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}
