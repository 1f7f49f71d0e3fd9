//! Reads in Infisical's encrypted shape (`/api/v3/secrets`), opened with the project key.

use super::{fixture, open, Fixture};
use crate::helpers::{Answer, Answered};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn app_folder(f: &Fixture) -> String {
    format!(
        "/api/v3/secrets?workspaceId={}&environment=dev&secretPath=%2Fapp&include_imports=true",
        f.project
    )
}

async fn read_if_none_match(f: &Fixture, etag: &str) -> Answer {
    f.glob_access_part()
        .request(Method::GET, &app_folder(f))
        .header("If-None-Match", etag)
        .answer()
        .await
}

#[tokio::test]
async fn the_encrypted_shape_decrypts_with_the_unwrapped_project_key() {
    let f = fixture().await;
    let key = f.project_key().await;
    let folder = f.glob_access_part().get(&app_folder(&f)).await;
    assert_eq!(folder.status, StatusCode::OK, "{folder}");
    assert_eq!(folder["imports"], json!([]));
    let mut seen: Vec<(String, String)> = folder["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["type"], "shared");
            assert_eq!(s["workspace"], f.project.as_str());
            (open(&key, s, "secretKey"), open(&key, s, "secretValue"))
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("DB_PASSWORD".into(), "hunter2".into()),
            ("EMPTY".into(), String::new())
        ]
    );
}

#[tokio::test]
async fn the_same_selection_keeps_its_etag_and_answers_304_to_it() {
    let f = fixture().await;
    let first = f.glob_access_part().get(&app_folder(&f)).await;
    let etag = first.header("etag");
    let second = f.glob_access_part().get(&app_folder(&f)).await;
    assert_eq!(
        second.header("etag"),
        etag,
        "same selection, same ETag, though IVs are fresh"
    );
    let cached = read_if_none_match(&f, etag).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn an_update_changes_the_etag() {
    let f = fixture().await;
    let first = f.glob_access_part().get(&app_folder(&f)).await;
    let updated = f
        .app
        .as_admin()
        .update_secret(&f.project, "dev", "/app", "EMPTY", "now set")
        .await;
    assert_eq!(updated.status, StatusCode::OK, "the update itself");
    let changed = read_if_none_match(&f, first.header("etag")).await;
    assert_eq!(changed.status, StatusCode::OK, "an update changes the ETag");
}

#[tokio::test]
async fn a_personal_lookup_from_a_token_answers_the_shared_secret() {
    let f = fixture().await;
    let key = f.project_key().await;
    let url = format!(
        "/api/v3/secrets/DB_PASSWORD?workspaceId={}&environment=dev&secretPath=/app&type=personal",
        f.project
    );
    let found = f.glob_access_part().get(&url).await;
    assert_eq!(found.status, StatusCode::OK, "{found}");
    assert_eq!(open(&key, &found["secret"], "secretValue"), "hunter2");
}
