//! A token never learns the name of a folder outside its scopes: listings show only the folders
//! it may reach (in scope, or on the way to an existing folder in scope), whatever the listed
//! folder's own visibility, and a refusal names no out-of-scope path.

use super::seeded;
use crate::helpers::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// The seeded project plus secrets at dev:/customers/acme-corp/prod and dev:/app/db/deep.
async fn seeded_deeper() -> (TestApp, String) {
    let (app, project) = seeded().await;
    app.create_secret(&project, "dev", "/customers/acme-corp/prod", "ACME", "acme")
        .await;
    app.create_secret(&project, "dev", "/app/db/deep", "DEEP", "deep")
        .await;
    (app, project)
}

fn paths(listing: &Answer, list: &str, field: &str) -> Vec<String> {
    assert_eq!(listing.status, StatusCode::OK, "{listing}");
    listing[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_token_scoped_to_the_root_lists_no_folder_below_it() {
    let (app, project) = seeded_deeper().await;
    let (token, _) = app
        .mint_scoped(&project, "root", "dev", "/", &["read"])
        .await;
    let holder = app.as_token(&token);
    let recursive = holder.list_folders_recursive(&project, "dev", "/").await;
    assert_eq!(paths(&recursive, "folders", "path"), Vec::<String>::new());
    let children = holder.list_folders(&project, "dev", "/").await;
    assert_eq!(paths(&children, "folders", "path"), Vec::<String>::new());
}

#[tokio::test]
async fn a_token_scoped_to_a_folder_lists_none_of_its_subfolders() {
    let (app, project) = seeded_deeper().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    let holder = app.as_token(&token);
    let recursive = holder.list_folders_recursive(&project, "dev", "/app").await;
    assert_eq!(paths(&recursive, "folders", "path"), Vec::<String>::new());
    let children = holder.list_folders(&project, "dev", "/app").await;
    assert_eq!(paths(&children, "folders", "path"), Vec::<String>::new());
    let from_root = holder.list_folders_recursive(&project, "dev", "/").await;
    assert_eq!(paths(&from_root, "folders", "path"), ["/app"]);
}

#[tokio::test]
async fn a_listing_above_a_glob_scope_shows_only_the_way_to_existing_folders_in_scope() {
    let (app, project) = seeded_deeper().await;
    let (token, _) = app
        .mint_scoped(&project, "deep", "dev", "/**/deep", &["read"])
        .await;
    let holder = app.as_token(&token);
    let recursive = holder.list_folders_recursive(&project, "dev", "/").await;
    assert_eq!(
        paths(&recursive, "folders", "path"),
        ["/app", "/app/db", "/app/db/deep"]
    );
    let children = holder.list_folders(&project, "dev", "/").await;
    assert_eq!(paths(&children, "folders", "path"), ["/app"]);
}

#[tokio::test]
async fn the_infisical_folder_listing_shows_no_folder_outside_the_scopes() {
    let (app, project) = seeded_deeper().await;
    let (token, _) = app
        .mint_scoped(&project, "root", "dev", "/", &["read"])
        .await;
    let url = format!("/api/v1/folders?workspaceId={project}&environment=dev&path=/");
    let listed = app.as_token(&token).get(&url).await;
    assert_eq!(paths(&listed, "folders", "name"), Vec::<String>::new());
}

#[tokio::test]
async fn recursive_secret_listings_name_no_path_outside_the_scopes() {
    let (app, project) = seeded_deeper().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    let holder = app.as_token(&token);
    let native = holder.list_secrets_recursive(&project, "dev", "/").await;
    assert_eq!(paths(&native, "secrets", "path"), ["/app"]);
    for url in [
        format!(
            "/api/v3/secrets/raw?workspaceId={project}&environment=dev&secretPath=/&recursive=true"
        ),
        format!(
            "/api/v3/secrets?workspaceId={project}&environment=dev&secretPath=/&recursive=true"
        ),
    ] {
        let infisical = holder.get(&url).await;
        assert_eq!(
            paths(&infisical, "secrets", "secretPath"),
            ["/app"],
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_refused_recursive_delete_names_no_folder_outside_the_scopes() {
    let (app, project) = seeded_deeper().await;
    let body = json!({ "name": "app", "scopes": [{ "environment": "dev", "secretPath": "/app" }], "permissions": ["read", "write"], "expiresIn": null });
    let (token, _) = app.mint(&project, body).await;
    let refused = app
        .as_token(&token)
        .delete_folder_recursive(&project, "dev", "/app")
        .await;
    refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    assert!(!refused.text.contains("/app/db"), "{refused}");
    let kept = app
        .as_admin()
        .list_folders_recursive(&project, "dev", "/app")
        .await;
    assert_eq!(
        paths(&kept, "folders", "path"),
        ["/app/db", "/app/db/deep"],
        "nothing was deleted"
    );
}
