//! The server-rendered admin UI (askama). One folder per screen (`auth`, `projects`, `secrets`,
//! `tokens`, `settings`), each with a `configure` listing its routes and one file per page or
//! form, its templates under `templates/<screen>/`. What the screens share sits here: `urls`
//! (every address the UI links or redirects to), `notice` (the one-line notices after a
//! redirect), `pages` (rendering, layout, project header), `error` (`UiError`: every failure is
//! an HTML page in the layout), `session` (who is looking, CSRF), `finding` (filter and
//! paging), `form`, `confirm` and `format`.
//! Every form follows POST-redirect-GET and carries the session's CSRF token.

pub mod account;
pub mod actions;
pub mod activity;
pub mod auth;
pub mod confirm;
pub mod error;
pub mod finding;
pub mod form;
pub mod format;
pub mod identities;
pub mod identity_members;
pub mod links;
pub mod members;
pub mod next;
pub mod notice;
pub mod pages;
pub mod projects;
pub mod resume;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod summary;
pub mod team;
pub mod tokens;
pub mod urls;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(auth::configure)
        .configure(account::configure)
        .configure(projects::configure)
        .configure(secrets::configure)
        .configure(tokens::configure)
        .configure(settings::configure)
        .configure(team::configure)
        .configure(members::configure)
        .configure(identities::configure)
        .configure(identity_members::configure)
        .configure(activity::configure);
}

/// A page resource whose unlisted methods answer a 405 page.
pub fn page(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> HttpResponse {
    pages::error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        "This page does not accept that kind of request.",
        pages::Offer::Nothing,
    )
}
