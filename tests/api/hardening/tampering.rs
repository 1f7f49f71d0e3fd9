//! Tampering with stored ciphertext: a flipped byte or a value copied from another row makes that
//! read fail with a generic 500 (an integrity failure server-side), never garbage or the other
//! row's value; untouched rows still read. (Listings leave such a row out: `damaged_rows`.)

use super::damaged_rows::flip_one_byte;
use super::support::assert_generic_5xx;
use crate::helpers::{Answer, TestApp};
use envkeep::auth::{AdminSession, Caller};
use envkeep::domain::{ClientAddr, EnvSlug, SecretKey, SecretPath};
use envkeep::error::AppError;
use envkeep::service::secrets::{self, Location};
use reqwest::StatusCode;

const VALUE_A: &str = "alpha-secret-value-1";
const VALUE_B: &str = "bravo-secret-value-2";

async fn read(app: &TestApp, project: &str, key: &str) -> Answer {
    app.as_admin().get_secret(project, "dev", "/", key).await
}

/// A project with A, B and C in dev:/, A's value and C's comment each with one byte flipped.
async fn tampered() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("tamper").await;
    app.create_secret(&project, "dev", "/", "A", VALUE_A).await;
    app.create_secret(&project, "dev", "/", "B", VALUE_B).await;
    app.create_secret(&project, "dev", "/", "C", "charlie")
        .await;
    let conn = app.sqlite();
    flip_one_byte(&conn, "A", "value_ct");
    flip_one_byte(&conn, "C", "comment_ct");
    (app, project)
}

#[tokio::test]
async fn a_flipped_byte_fails_that_read_only_and_generically() {
    let (app, project) = tampered().await;
    for key in ["A", "C"] {
        assert_generic_5xx(
            &read(&app, &project, key).await,
            &[VALUE_A, "charlie", "xchacha", "tamper", "integrity"],
        );
    }
    let untouched = read(&app, &project, "B").await;
    assert_eq!(untouched.status, StatusCode::OK);
    assert_eq!(untouched["secret"]["value"], VALUE_B);
}

#[tokio::test]
async fn a_flipped_byte_is_an_integrity_failure_server_side() {
    let (app, project) = tampered().await;
    let session = AdminSession {
        user_id: String::from("test"),
        email: String::from("test@example.com"),
        role: envkeep::domain::InstanceRole::Owner,
        memberships: Default::default(),
        csrf_token: String::new(),
        id_hash: [0; 32],
        via_cookie: false,
        ip: ClientAddr::from("127.0.0.1".parse::<std::net::IpAddr>().unwrap()),
    };
    let at = Location {
        project_id: project.clone(),
        environment: EnvSlug::parse("dev").unwrap(),
        path: SecretPath::root(),
    };
    let outcome = secrets::get(
        &app.state.store,
        &Caller::Admin(session),
        &at,
        &SecretKey::parse("A").unwrap(),
    )
    .await;
    assert!(
        matches!(outcome, Err(AppError::Integrity(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_ciphertext_copied_from_another_row_does_not_reveal_that_row() {
    let app = TestApp::spawn().await;
    let project = app.create_project("swap").await;
    app.create_secret(&project, "dev", "/", "A", VALUE_A).await;
    app.create_secret(&project, "dev", "/", "B", VALUE_B).await;
    let conn = app.sqlite();
    conn.execute("UPDATE secrets SET value_ct = (SELECT value_ct FROM secrets WHERE key = 'B') WHERE key = 'A'", [])
        .unwrap();
    assert_generic_5xx(&read(&app, &project, "A").await, &[VALUE_A, VALUE_B]);
    let other = read(&app, &project, "B").await;
    assert_eq!(other.status, StatusCode::OK, "{other}");
}
