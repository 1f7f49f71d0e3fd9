//! The native JSON API under `/api/v1`.
//!
//! Each area lists its routes in an `ENDPOINTS` table; [`configure`] registers exactly those, and
//! [`endpoints`] gives the same list to the test that checks the OpenAPI document describes every
//! one. A route is added by adding a row, never by registering it by hand.

/// An area's `ENDPOINTS` table, one route a row: `GET "/{projectId}/secrets" => list,`.
macro_rules! endpoints {
    ($($method:ident $path:literal => $handler:ident),+ $(,)?) => {
        &[$(crate::routes::api::Endpoint {
            method: actix_web::http::Method::$method,
            path: $path,
            handler: |route| route.to($handler),
        }),+]
    };
}

pub mod account;
pub mod accounts;
pub mod audit;
pub mod environments;
pub mod folders;
pub mod history;
pub mod identities;
pub mod identity_members;
pub mod imports;
pub mod members;
pub mod mfa;
pub mod password_resets;
pub mod projects;
pub mod responses;
pub mod schema;
pub mod secret_batches;
pub mod secrets;
pub mod service_tokens;
pub mod settings;
pub mod urls;
pub mod users;

use super::method_not_allowed;
use actix_web::http::Method;
use actix_web::{web, Route};

/// One route: its method, its path (relative to the area's prefix) and its handler, given the
/// route that already matches the method (`|route| route.to(list)`).
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub handler: fn(Route) -> Route,
}

/// The prefix of every project route.
const PROJECTS: &str = "/api/v1/projects";

/// The areas under [`PROJECTS`], in routing order: the secrets routes first, so the hot path's
/// match is the first one tried.
const PROJECT_AREAS: [&[Endpoint]; 10] = [
    secrets::ENDPOINTS,
    secret_batches::ENDPOINTS,
    history::ENDPOINTS,
    projects::ENDPOINTS,
    environments::ENDPOINTS,
    folders::ENDPOINTS,
    service_tokens::ENDPOINTS,
    imports::ENDPOINTS,
    identity_members::ENDPOINTS,
    members::ENDPOINTS,
];

/// The areas outside [`PROJECTS`].
const TOP_AREAS: [&[Endpoint]; 8] = [
    accounts::ENDPOINTS,
    audit::ENDPOINTS,
    users::ENDPOINTS,
    identities::ENDPOINTS,
    account::ENDPOINTS,
    mfa::ENDPOINTS,
    password_resets::ENDPOINTS,
    settings::ENDPOINTS,
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    for area in TOP_AREAS {
        register(cfg, area);
    }
    // actix-router tries a request against each dynamic route in turn, one regex search each,
    // until one matches (about 20 % of a token request's instructions were routing). Behind one
    // static prefix, requests for other routes (Infisical's, the UI's) skip all of these with a
    // string compare. Unmatched paths fall through to the app's JSON 404.
    cfg.service(web::scope(PROJECTS).configure(|cfg| {
        for area in PROJECT_AREAS {
            register(cfg, area);
        }
    }));
}

/// Every registered route as (method, full path), in the OpenAPI document's spelling.
pub fn endpoints() -> Vec<(Method, String)> {
    let accounts = TOP_AREAS
        .iter()
        .flat_map(|area| area.iter())
        .map(|e| (e.method.clone(), e.path.to_owned()));
    let projects = PROJECT_AREAS
        .iter()
        .flat_map(|area| area.iter())
        .map(|e| (e.method.clone(), format!("{PROJECTS}{}", e.path)));
    accounts.chain(projects).collect()
}

/// One resource per path, holding the routes of every method listed for it; other methods
/// answer a JSON 405.
fn register(cfg: &mut web::ServiceConfig, endpoints: &[Endpoint]) {
    let mut paths: Vec<&str> = Vec::new();
    for endpoint in endpoints {
        if !paths.contains(&endpoint.path) {
            paths.push(endpoint.path);
        }
    }
    for path in paths {
        let resource = endpoints
            .iter()
            .filter(|e| e.path == path)
            .fold(resource(path), |resource, e| {
                resource.route((e.handler)(web::method(e.method.clone())))
            });
        cfg.service(resource);
    }
}

/// A resource whose unlisted methods answer a JSON 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}
