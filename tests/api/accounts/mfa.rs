//! TOTP MFA through the API: enrolment with a code computed in the test, login with and without
//! a code, replays, recovery codes, turning it off.

use super::enrolment::{enrol, login_with};
use crate::helpers::{paths, totp_code, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn enrolment_confirmed_with_a_computed_code_gives_ten_recovery_codes_and_turns_mfa_on() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    assert_eq!(enrolled.recovery_codes.len(), 10);
    let me = app.as_admin().get(paths::ME).await;
    assert_eq!(me["user"]["mfa"]["enabled"], true, "{me}");
    assert_eq!(me["user"]["mfa"]["recoveryCodesLeft"], 10, "{me}");
}

#[tokio::test]
async fn the_secret_is_stored_sealed_never_as_the_base32_or_raw_bytes() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let sealed: Vec<u8> = app
        .sqlite()
        .query_row("SELECT sealed_secret FROM user_totp", [], |r| r.get(0))
        .unwrap();
    let raw = data_encoding::BASE32_NOPAD
        .decode(enrolled.secret.as_bytes())
        .unwrap();
    assert!(!sealed.windows(raw.len()).any(|w| w == raw.as_slice()));
    assert!(!sealed
        .windows(enrolled.secret.len())
        .any(|w| w == enrolled.secret.as_bytes()));
}

#[tokio::test]
async fn login_without_a_code_or_with_a_wrong_one_is_401_mfa_required() {
    let app = TestApp::spawn().await;
    enrol(&app.as_admin()).await;
    app.anonymous()
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
    app.anonymous()
        .post_json(paths::LOGIN, login_with("000000"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
    // A wrong password still says so, code or not: MfaRequired is only for a right password.
    let wrong = json!({ "email": ADMIN_EMAIL, "password": "not-the-password", "totp": "000000" });
    app.anonymous()
        .post_json(paths::LOGIN, wrong)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}

#[tokio::test]
async fn login_with_a_computed_code_succeeds_and_the_same_code_is_refused_after() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    // The enrolment used this step's code; the next step's is within the ±1 window.
    let code = totp_code(&enrolled.secret, 1);
    let login = app
        .anonymous()
        .post_json(paths::LOGIN, login_with(&code))
        .await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    app.anonymous()
        .post_json(paths::LOGIN, login_with(&code))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
}

#[tokio::test]
async fn the_code_used_to_confirm_enrolment_cannot_log_in() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    app.anonymous()
        .post_json(paths::LOGIN, login_with(&totp_code(&enrolled.secret, 0)))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
}

#[tokio::test]
async fn a_recovery_code_logs_in_once_and_the_number_left_goes_down() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let code = enrolled.recovery_codes[3].to_uppercase();
    let login = app
        .anonymous()
        .post_json(paths::LOGIN, login_with(&code))
        .await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    app.anonymous()
        .post_json(paths::LOGIN, login_with(&code))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
    let me = app.as_admin().get(paths::ME).await;
    assert_eq!(me["user"]["mfa"]["recoveryCodesLeft"], 9, "{me}");
    let used: i64 = app
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'mfa.recovery_code_used'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(used, 1, "each use is audited");
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_set() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let body = json!({ "password": ADMIN_PASSWORD, "code": totp_code(&enrolled.secret, 1) });
    let fresh = app.as_admin().post_json(paths::RECOVERY_CODES, body).await;
    assert_eq!(fresh.status, StatusCode::OK, "{fresh}");
    app.anonymous()
        .post_json(paths::LOGIN, login_with(&enrolled.recovery_codes[0]))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
    let new_code = fresh["recoveryCodes"][0].as_str().unwrap();
    let login = app
        .anonymous()
        .post_json(paths::LOGIN, login_with(new_code))
        .await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn disabling_needs_the_password_and_a_code_then_login_needs_no_code() {
    let app = TestApp::spawn().await;
    let enrolled = enrol(&app.as_admin()).await;
    let wrong = json!({ "password": "not-the-password", "code": totp_code(&enrolled.secret, 1) });
    let refused = app.as_admin().post_json(paths::TOTP_DISABLE, wrong).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let body = json!({ "password": ADMIN_PASSWORD, "code": enrolled.recovery_codes[0] });
    let disabled = app.as_admin().post_json(paths::TOTP_DISABLE, body).await;
    assert_eq!(disabled.status, StatusCode::NO_CONTENT, "{disabled}");
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    assert_eq!(app.count_rows("recovery_codes"), 0);
}

#[tokio::test]
async fn a_wrong_confirmation_code_leaves_mfa_off_and_a_second_enrolment_is_refused_once_on() {
    let app = TestApp::spawn().await;
    let begun = app
        .as_admin()
        .post_json(paths::TOTP, json!({ "password": ADMIN_PASSWORD }))
        .await;
    assert_eq!(begun.status, StatusCode::OK, "{begun}");
    assert!(begun["otpauthUrl"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    app.as_admin()
        .post_json(paths::TOTP_CONFIRM, json!({ "code": "000000" }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "MFA is still off: {login}");
    enrol(&app.as_admin()).await;
    app.as_admin()
        .post_json(paths::TOTP, json!({ "password": ADMIN_PASSWORD }))
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
}

#[tokio::test]
async fn wrong_codes_at_login_are_throttled_like_passwords() {
    let app = TestApp::spawn_with(|c| c.auth_failure_limit = 3).await;
    enrol(&app.as_admin()).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let answer = app
            .anonymous()
            .post_json(paths::LOGIN, login_with("000000"))
            .await;
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 429, 429]);
}
