//! Infisical-compatible routes: a thin adapter over the same use cases as the native API (one
//! authorisation path, one store), speaking Infisical's request and response shapes so the
//! official clients work unchanged. See README "Infisical compatibility" for the differences.

mod folders;
mod params;
mod request;
mod secrets_e2ee;
mod secrets_raw;
mod service_token;
mod shapes;
mod universal_auth;
mod version;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Raw routes first: `/api/v3/secrets/raw` must not be taken for a secret named "raw".
    cfg.configure(secrets_raw::configure)
        .configure(secrets_e2ee::configure)
        .configure(service_token::configure)
        .configure(folders::configure)
        .configure(universal_auth::configure);
}
