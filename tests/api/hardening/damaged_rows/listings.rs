//! Native listings skip a row that fails to open and name it under `unreadable`.

use super::{damaged, keys, VALUE_A, VALUE_B, VALUE_C};
use crate::hardening::support::assert_generic_5xx;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_folder_listing_leaves_out_a_damaged_secret_and_names_it_under_unreadable() {
    let (app, project) = damaged().await;
    let listed = app.as_admin().list_secrets(&project, "dev", "/").await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    assert_eq!(keys(&listed.json, "secrets"), ["B"]);
    let unreadable = &listed["unreadable"][0];
    assert_eq!(
        (&unreadable["key"], &unreadable["path"]),
        (&json!("A"), &json!("/"))
    );
    assert!(
        unreadable["reason"]
            .as_str()
            .is_some_and(|r| r.contains("value")),
        "the reason names the field: {listed}"
    );
    assert!(!listed.text.contains(VALUE_A), "{listed}");
}

#[tokio::test]
async fn a_recursive_listing_names_each_damaged_secret_with_its_folder() {
    let (app, project) = damaged().await;
    let listed = app
        .as_admin()
        .list_secrets_recursive(&project, "dev", "/")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    assert_eq!(keys(&listed.json, "secrets"), ["B", "D"]);
    let named: Vec<(&str, &str)> = listed["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["path"].as_str().unwrap(), u["key"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [("/", "A"), ("/app", "C")]);
    assert!(
        !listed.text.contains(VALUE_A) && !listed.text.contains(VALUE_C),
        "{listed}"
    );
}

#[tokio::test]
async fn a_listing_with_nothing_damaged_has_no_unreadable_field() {
    let app = TestApp::spawn().await;
    let project = app.create_project("intact").await;
    app.create_secret(&project, "dev", "/", "A", "a").await;
    let listed = app.as_admin().list_secrets(&project, "dev", "/").await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    assert!(listed.json.get("unreadable").is_none(), "{listed}");
}

#[tokio::test]
async fn a_token_is_told_only_of_damaged_secrets_in_its_scopes() {
    let (app, project) = damaged().await;
    let (token, _) = app
        .mint_scoped(&project, "app-only", "dev", "/app", &["read"])
        .await;
    let listed = app
        .as_token(&token)
        .list_secrets_recursive(&project, "dev", "/")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    assert_eq!(keys(&listed.json, "secrets"), ["D"]);
    assert_eq!(keys(&listed.json, "unreadable"), ["C"]);
}

#[tokio::test]
async fn a_cached_folder_still_refuses_to_read_its_damaged_secret() {
    let (app, project) = damaged().await;
    let admin = app.as_admin();
    let listed = admin.list_secrets(&project, "dev", "/").await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    assert!(
        app.state.store.stats().folders_cached >= 1,
        "the folder with its damaged row is cached"
    );
    let read = admin.get_secret(&project, "dev", "/", "A").await;
    assert_generic_5xx(&read, &[VALUE_A, VALUE_B]);
    let neighbour = admin.get_secret(&project, "dev", "/", "B").await;
    assert_eq!(neighbour.status, StatusCode::OK, "{neighbour}");
    let missing = admin.get_secret(&project, "dev", "/", "Z").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{missing}");
}
