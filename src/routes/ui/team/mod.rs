//! The Team page (owners and admins): users with role, status and last login; open invitations;
//! the invite form, whose one-time link is shown once on its own page; changing a user's role,
//! disabling, and removing with the choice to revoke the tokens they created; the owner's
//! setting that makes MFA required.

mod invites;
mod mfa;
mod page;
mod users;

use super::actions::action;
use super::page;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page("/team").route(web::get().to(page::show)))
        .service(action("/team/invites", "/team").route(web::post().to(invites::create)))
        .service(page("/team/invites/created/{reveal}").route(web::get().to(invites::created)))
        .service(
            action("/team/invites/{inviteId}/revoke", "/team")
                .route(web::post().to(invites::revoke)),
        )
        .service(action("/team/mfa", "/team").route(web::post().to(mfa::update)))
        .service(action("/team/users/{userId}", "/team").route(web::post().to(users::update)))
        .service(
            page("/team/users/{userId}/remove")
                .route(web::get().to(users::confirm_remove))
                .route(web::post().to(users::remove)),
        );
}
