//! Deleting a folder from the secrets browser.

use super::{danger_buttons, shop};
use crate::helpers::TestApp;
use crate::ui::secrets_page;
use reqwest::StatusCode;
use serde_json::json;

fn confirm_page(project: &str, path: &str) -> String {
    format!(
        "{}/folders/delete?path={path}",
        secrets_page(project, "dev")
    )
}

fn delete_action(project: &str) -> String {
    format!("{}/folders/delete", secrets_page(project, "dev"))
}

/// dev: /app holds A; /app/db holds B; /app/db/deep holds C; /app/empty is empty; / holds ROOT.
async fn tree(app: &TestApp, project: &str) {
    for (path, key) in [
        ("/", "ROOT"),
        ("/app", "A"),
        ("/app/db", "B"),
        ("/app/db/deep", "C"),
    ] {
        app.create_secret(project, "dev", path, key, "v").await;
    }
    let empty = app
        .as_admin()
        .create_folder(project, "dev", "/app", "empty")
        .await;
    assert_eq!(empty.status, StatusCode::CREATED, "{empty}");
}

#[tokio::test]
async fn the_folder_confirmation_counts_the_secrets_and_subfolders_below_it() {
    let (app, project, browser, _) = shop().await;
    tree(&app, &project).await;
    let page = browser.get(&confirm_page(&project, "/app")).await;
    assert_eq!(page.status, StatusCode::OK, "{page}");
    assert!(page.text.contains("3 secrets moved to the trash"), "{page}");
    assert!(page.text.contains("3 subfolders deleted with it"), "{page}");
    assert_eq!(danger_buttons(&page.text), 1);
}

#[tokio::test]
async fn deleting_a_folder_in_the_ui_moves_its_secrets_to_the_trash_and_returns_to_the_parent() {
    let (app, project, browser, csrf) = shop().await;
    tree(&app, &project).await;
    let fields = [("csrf_token", csrf.as_str()), ("path", "/app/db")];
    let deleted = browser.post_form(&delete_action(&project), &fields).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{deleted}");
    assert_eq!(
        deleted.location(),
        format!(
            "{}?path=/app&notice=folder-deleted",
            secrets_page(&project, "dev")
        )
    );
    let trash = app
        .as_admin()
        .get(&format!("/api/v1/projects/{project}/trash?environment=dev"))
        .await;
    let mut keys: Vec<&str> = trash["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    keys.sort();
    assert_eq!(keys, ["B", "C"]);
    let left = app
        .as_admin()
        .list_folders_recursive(&project, "dev", "/")
        .await;
    assert!(!left.text.contains("/app/db"), "{left}");
}

#[tokio::test]
async fn a_folder_another_folder_imports_shows_the_refusal_instead_of_the_button() {
    let (app, project, browser, csrf) = shop().await;
    tree(&app, &project).await;
    let body = json!({ "environment": "prod", "path": "/",
        "importEnvironment": "dev", "importPath": "/app/db" });
    let imports = format!("/api/v1/projects/{project}/imports");
    let created = app.as_admin().post_json(&imports, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    let page = browser.get(&confirm_page(&project, "/app")).await;
    let refusal = "is imported by folder &#39;/&#39; in environment &#39;prod&#39;";
    assert!(page.text.contains(refusal), "{page}");
    assert_eq!(danger_buttons(&page.text), 0);
    let fields = [("csrf_token", csrf.as_str()), ("path", "/app")];
    let refused = browser.post_form(&delete_action(&project), &fields).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text.contains(refusal), "{refused}");
}
