//! Folders through the native API: created under an existing parent, listed one level or the
//! whole subtree, deleted with content only when asked to.

use crate::helpers::{Answer, TestApp};
use reqwest::StatusCode;

fn field<'a>(listing: &'a Answer, name: &str) -> Vec<&'a str> {
    listing["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[name].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_folder_is_created_under_an_existing_folder() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Folders").await;
    let created = app
        .as_admin()
        .create_folder(&project, "dev", "/", "app")
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(created["folder"]["path"], "/app");
}

#[tokio::test]
async fn a_folder_name_is_unique_in_its_parent() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Folders").await;
    app.as_admin()
        .create_folder(&project, "dev", "/", "app")
        .await;
    app.as_admin()
        .create_folder(&project, "dev", "/", "app")
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
}

#[tokio::test]
async fn a_folder_under_a_missing_parent_is_404() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Folders").await;
    app.as_admin()
        .create_folder(&project, "dev", "/missing", "x")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn a_folder_listing_shows_direct_children_or_with_recursive_the_subtree() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Folders").await;
    app.create_secret(&project, "dev", "/app/db", "URL", "postgres://")
        .await;
    let children = app.as_admin().list_folders(&project, "dev", "/").await;
    assert_eq!(field(&children, "name"), ["app"], "direct children only");
    let subtree = app
        .as_admin()
        .list_folders_recursive(&project, "dev", "/")
        .await;
    assert_eq!(field(&subtree, "path"), ["/app", "/app/db"]);
}

#[tokio::test]
async fn a_folder_with_content_is_deleted_only_recursively() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Folders").await;
    app.create_secret(&project, "dev", "/app/db", "URL", "postgres://")
        .await;
    app.as_admin()
        .delete_folder(&project, "dev", "/app")
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
    let deleted = app
        .as_admin()
        .delete_folder_recursive(&project, "dev", "/app")
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.count_rows("secrets"), 0);
}
