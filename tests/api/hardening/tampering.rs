//! Tampering with stored ciphertext: a flipped byte or a value copied from another row makes that
//! read fail with a generic 500 (an integrity failure server-side), never garbage or the other
//! row's value; untouched rows still read.

use super::support::assert_generic_5xx;
use crate::legacy_helpers::{spawn_app, TestApp};
use envkeep::auth::{Access, AdminSession};
use envkeep::domain::{EnvSlug, SecretKey, SecretPath};
use envkeep::error::AppError;
use envkeep::service::secrets::{self, Location};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const VALUE_A: &str = "alpha-secret-value-1";
const VALUE_B: &str = "bravo-secret-value-2";

fn flip_one_byte(app: &TestApp, key: &str, column: &str) {
    let conn = app.sqlite();
    let mut blob: Vec<u8> = conn
        .query_row(
            &format!("SELECT {column} FROM secrets WHERE key = ?1"),
            [key],
            |r| r.get(0),
        )
        .unwrap();
    let middle = blob.len() / 2;
    blob[middle] ^= 0x01;
    conn.execute(
        &format!("UPDATE secrets SET {column} = ?1 WHERE key = ?2"),
        rusqlite::params![blob, key],
    )
    .unwrap();
}

async fn read(app: &TestApp, project: &str, key: &str) -> (StatusCode, String) {
    let response = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/{key}?environment=dev"),
        )
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_flipped_byte_fails_that_read_only_and_generically() {
    let app = spawn_app().await;
    let project = app.create_project("tamper").await;
    app.create_secret(&project, "dev", "/", "A", VALUE_A).await;
    app.create_secret(&project, "dev", "/", "B", VALUE_B).await;
    app.create_secret(&project, "dev", "/", "C", "charlie")
        .await;

    flip_one_byte(&app, "A", "value_ct");
    flip_one_byte(&app, "C", "comment_ct");
    for key in ["A", "C"] {
        let (status, text) = read(&app, &project, key).await;
        assert_generic_5xx(
            status,
            &text,
            &[VALUE_A, "charlie", "xchacha", "tamper", "integrity"],
        );
    }
    let (status, text) = read(&app, &project, "B").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["secret"]["value"],
        VALUE_B
    );

    // A listing that includes the tampered row fails as a whole rather than skip or garble it.
    let list = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets?environment=dev"),
        )
        .send()
        .await
        .unwrap();
    let status = list.status();
    assert_generic_5xx(status, &list.text().await.unwrap(), &[VALUE_A, VALUE_B]);

    // Server-side it is an integrity failure (logged as such by AppError::Integrity).
    let session = AdminSession {
        user_id: String::from("test"),
        email: String::from("test@example.com"),
        csrf_token: String::new(),
        id_hash: [0; 32],
        via_cookie: false,
        ip: "127.0.0.1".parse().unwrap(),
    };
    let at = Location {
        project_id: project.clone(),
        environment: EnvSlug::parse("dev").unwrap(),
        path: SecretPath::root(),
    };
    let outcome = secrets::get(
        &app.state.store,
        &Access::Admin(session),
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
    let app = spawn_app().await;
    let project = app.create_project("swap").await;
    app.create_secret(&project, "dev", "/", "A", VALUE_A).await;
    app.create_secret(&project, "dev", "/", "B", VALUE_B).await;
    let conn = app.sqlite();
    conn.execute("UPDATE secrets SET value_ct = (SELECT value_ct FROM secrets WHERE key = 'B') WHERE key = 'A'", [])
        .unwrap();
    let (status, text) = read(&app, &project, "A").await;
    assert_generic_5xx(status, &text, &[VALUE_A, VALUE_B]);
    let (status, text) = read(&app, &project, "B").await;
    assert_eq!(status, StatusCode::OK, "{text}");
}
