//! The Activity pages: the audit log of one project (a tab of its header) and of the whole
//! instance, filtered by actor, action and dates, 50 events a page with an "Older" link; and a
//! service token's usage.

mod page;
mod usage;

use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/activity").route(web::get().to(page::instance)))
        .service(page("/projects/{projectId}/activity").route(web::get().to(page::project)))
        .service(
            page("/projects/{projectId}/access-control/service-tokens/{tokenId}/usage")
                .route(web::get().to(usage::show)),
        );
}
