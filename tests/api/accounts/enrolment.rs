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

/// Adds a user straight into the database (the users API is the teams issue's); returns its id.
pub async fn add_user(
    app: &crate::helpers::TestApp,
    email: &str,
    password: &str,
    role: &str,
) -> String {
    let hash = app.state.hasher.hash(password).await.unwrap();
    let id = format!("{:032x}", rand_id());
    app.sqlite()
        .execute(
            "INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, 0)",
            rusqlite::params![id, email, hash, role],
        )
        .unwrap();
    id
}

fn rand_id() -> u128 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}
