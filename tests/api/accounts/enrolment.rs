//! Shared steps of the MFA tests: enrolling a caller with a code computed here.

use crate::helpers::{paths, totp_code, Api, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

pub struct Enrolled {
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

/// Enrols `api`'s user (the admin) in TOTP, confirming with the current step's code.
pub async fn enrol(api: &Api) -> Enrolled {
    let begun = api
        .post_json(paths::TOTP, json!({ "password": ADMIN_PASSWORD }))
        .await;
    assert_eq!(begun.status, StatusCode::OK, "{begun}");
    let secret = begun["secret"].as_str().unwrap().to_owned();
    let confirmed = api
        .post_json(
            paths::TOTP_CONFIRM,
            json!({ "code": totp_code(&secret, 0) }),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{confirmed}");
    let recovery_codes = confirmed["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    Enrolled {
        secret,
        recovery_codes,
    }
}

/// The admin's login body with `totp`.
pub fn login_with(totp: &str) -> serde_json::Value {
    json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "totp": totp })
}
