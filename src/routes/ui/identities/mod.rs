//! Identities (owners and admins; DESIGN §9): the instance's machine identities, creating,
//! renaming and deleting one (after a confirmation), and an identity's page with its Universal
//! Auth settings and client secrets (a new one shown once with the Client ID; revoking after a
//! confirmation). Attaching an identity to a project is the project's Access Control >
//! Machine Identities (`identity_members`). Everything goes through `service::identities`,
//! which decides and audits.

mod confirm;
mod list;
mod secrets;
mod settings;
mod show;

use super::page;
use crate::auth::AdminSession;
use crate::error::AppError;
use crate::service::identities::{self, IdentityView};
use crate::state::AppState;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let one = "/identities/{identityId}";
    let secrets = "/identities/{identityId}/client-secrets";
    cfg.service(
        page("/identities")
            .route(web::get().to(list::show))
            .route(web::post().to(list::create)),
    )
    .service(page(one).route(web::get().to(show::show)))
    .service(page(&format!("{one}/rename")).route(web::post().to(show::rename)))
    .service(
        page(&format!("{one}/delete"))
            .route(web::get().to(list::confirm_delete))
            .route(web::post().to(list::delete)),
    )
    .service(page(&format!("{one}/universal-auth")).route(web::post().to(settings::save)))
    .service(page(secrets).route(web::post().to(secrets::create)))
    .service(page(&format!("{secrets}/created/{{reveal}}")).route(web::get().to(secrets::created)))
    .service(
        page(&format!("{secrets}/{{secretId}}/revoke"))
            .route(web::get().to(secrets::confirm_revoke))
            .route(web::post().to(secrets::revoke)),
    );
}

/// The identity `id`, through the service (which refuses whoever may not see identities).
async fn find(
    state: &AppState,
    session: &AdminSession,
    id: &str,
) -> Result<IdentityView, AppError> {
    identities::list(&state.store, session)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| {
            AppError::NotFound(String::from(
                "This machine identity does not exist (it may have been deleted).",
            ))
        })
}
