//! The Account screen: one's own password, MFA (enrolment with a QR code drawn in the binary,
//! recovery codes shown once, turning it off) and sessions (each with "Sign out"); and the
//! password-reset page a one-time link opens. While the server requires MFA the user lacks,
//! only this page and its `/account/mfa/*` forms (and logging out) are open.

mod mfa;
mod qr;
mod reset;
mod show;

use super::actions::action;
use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/account").route(web::get().to(show::show)))
        .service(
            action("/account/password", "/account").route(web::post().to(show::change_password)),
        )
        .service(
            action("/account/sessions/{sessionId}/end", "/account")
                .route(web::post().to(show::end_session)),
        )
        .service(action("/account/mfa/begin", "/account").route(web::post().to(mfa::begin)))
        .service(action("/account/mfa/confirm", "/account").route(web::post().to(mfa::confirm)))
        .service(action("/account/mfa/disable", "/account").route(web::post().to(mfa::disable)))
        .service(
            action("/account/mfa/recovery-codes", "/account")
                .route(web::post().to(mfa::recovery_codes)),
        )
        .service(
            page("/reset/{code}")
                .route(web::get().to(reset::show))
                .route(web::post().to(reset::submit)),
        );
}
