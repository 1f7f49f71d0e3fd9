//! `envkeep users` on the database of a running server: list, a reset link, an MFA reset.

use super::enrolment::enrol;
use crate::helpers::{paths, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::recovery::commands::envkeep;
use reqwest::StatusCode;
use serde_json::json;

fn users(app: &TestApp, args: &[&str]) -> crate::recovery::commands::Ran {
    let mut all = vec!["users"];
    all.extend_from_slice(args);
    let ran = envkeep(&all, &[("ENVKEEP_DATA_DIR", app.data_dir.as_path())]);
    assert!(ran.ok, "envkeep {all:?}: {ran}");
    ran
}

fn audited(app: &TestApp, action: &str) -> i64 {
    app.sqlite()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = ?1 AND actor_kind = 'operator'",
            [action],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn users_list_shows_the_accounts_of_a_running_server() {
    let app = TestApp::spawn().await;
    let listed = users(&app, &["list"]);
    assert!(listed.stdout.contains(ADMIN_EMAIL), "{listed}");
    assert!(listed.stdout.contains("off"), "MFA column: {listed}");
}

#[tokio::test]
async fn reset_password_prints_a_one_time_link_the_running_server_accepts() {
    let app = TestApp::spawn().await;
    let ran = users(&app, &["reset-password", ADMIN_EMAIL]);
    let link = ran.stdout.trim();
    assert!(link.starts_with("/reset/"), "{ran}");
    let code = link.trim_start_matches("/reset/");
    let body = json!({ "code": code, "newPassword": "set-by-the-operator" });
    let used = app.anonymous().post_json(paths::PASSWORD_RESET, body).await;
    assert_eq!(used.status, StatusCode::NO_CONTENT, "{used}");
    let login = app
        .anonymous()
        .login(ADMIN_EMAIL, "set-by-the-operator")
        .await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    assert_eq!(audited(&app, "user.password_reset_created"), 1);
}

#[tokio::test]
async fn reset_mfa_lets_a_locked_out_user_in_with_the_password_alone() {
    let app = TestApp::spawn().await;
    enrol(&app.as_admin()).await;
    app.anonymous()
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "MfaRequired");
    users(&app, &["reset-mfa", ADMIN_EMAIL]);
    let login = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{login}");
    assert_eq!(audited(&app, "mfa.reset"), 1);
}

#[tokio::test]
async fn an_unknown_email_or_a_missing_database_fails_with_a_message() {
    let app = TestApp::spawn().await;
    let ran = envkeep(
        &["users", "reset-mfa", "nobody@example.com"],
        &[("ENVKEEP_DATA_DIR", app.data_dir.as_path())],
    );
    assert!(!ran.ok && ran.stderr.contains("no user"), "{ran}");
    let empty = tempfile::tempdir().unwrap();
    let ran = envkeep(&["users", "list"], &[("ENVKEEP_DATA_DIR", empty.path())]);
    assert!(!ran.ok && ran.stderr.contains("no database"), "{ran}");
    assert!(
        !empty.path().join("envkeep.db").exists(),
        "nothing was created"
    );
}
