//! The trash: deleted secrets (one by one or with their folder) listed per environment and
//! restorable where they were, folders included; a name taken since is a 409.

use super::trash;
use crate::helpers::TestApp;
use serde_json::json;

fn restore_url(project: &str, id: &str) -> String {
    format!("/api/v1/projects/{project}/trash/{id}/restore")
}

#[tokio::test]
async fn a_deleted_secret_is_listed_in_its_environments_trash() {
    let app = TestApp::spawn().await;
    let project = app.create_project("trash").await;
    app.create_secret(&project, "dev", "/", "GONE", "v1").await;
    app.as_admin()
        .delete_secret(&project, "dev", "/", "GONE")
        .await;
    let listed = trash(&app.as_admin(), &project, "dev").await;
    assert_eq!(listed.status, 200, "{listed}");
    let entry = &listed["secrets"][0];
    assert_eq!(entry["key"], "GONE");
    assert_eq!(entry["path"], "/");
    assert_eq!(entry["environment"], "dev");
    assert_eq!(entry["deletedBy"]["kind"], "user", "{listed}");
    assert!(entry["deletedAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    let staging = trash(&app.as_admin(), &project, "staging").await;
    assert_eq!(staging["secrets"], json!([]), "{staging}");
}

#[tokio::test]
async fn a_trashed_secret_comes_back_with_its_id_value_and_history() {
    let app = TestApp::spawn().await;
    let project = app.create_project("trash").await;
    super::edited_four_times(&app, &project, "BACK").await;
    app.as_admin()
        .delete_secret(&project, "dev", "/", "BACK")
        .await;
    let listed = trash(&app.as_admin(), &project, "dev").await;
    let id = listed["secrets"][0]["id"].as_str().unwrap();
    let restored = app
        .as_admin()
        .post_json(&restore_url(&project, id), json!({}))
        .await;
    assert_eq!(restored.status, 201, "{restored}");
    assert_eq!(restored["secret"]["id"], id);
    assert_eq!(restored["secret"]["value"], "v4");
    assert_eq!(restored["secret"]["version"], 6, "{restored}");
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/", "BACK")
        .await;
    assert_eq!(live["secret"]["value"], "v4", "{live}");
    let after = trash(&app.as_admin(), &project, "dev").await;
    assert_eq!(after["secrets"], json!([]), "{after}");
    let history = super::versions(&app.as_admin(), &project, "BACK").await;
    assert_eq!(super::numbers(&history), [6, 5, 4, 3, 2, 1], "{history}");
}

#[tokio::test]
async fn restoring_a_secret_of_a_deleted_folder_recreates_the_folder() {
    let app = TestApp::spawn().await;
    let project = app.create_project("trash").await;
    app.create_secret(&project, "dev", "/app/db", "URL", "postgres://x")
        .await;
    let deleted = app
        .as_admin()
        .delete_folder_recursive(&project, "dev", "/app")
        .await;
    assert_eq!(deleted.status, 204, "{deleted}");
    let listed = trash(&app.as_admin(), &project, "dev").await;
    assert_eq!(listed["secrets"][0]["path"], "/app/db", "{listed}");
    let id = listed["secrets"][0]["id"].as_str().unwrap();
    let restored = app
        .as_admin()
        .post_json(&restore_url(&project, id), json!({}))
        .await;
    assert_eq!(restored.status, 201, "{restored}");
    let folders = app.as_admin().list_folders(&project, "dev", "/app").await;
    assert_eq!(folders["folders"][0]["name"], "db", "{folders}");
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/app/db", "URL")
        .await;
    assert_eq!(live["secret"]["value"], "postgres://x", "{live}");
}

#[tokio::test]
async fn restoring_a_secret_whose_name_was_taken_since_is_a_conflict() {
    let app = TestApp::spawn().await;
    let project = app.create_project("trash").await;
    app.create_secret(&project, "dev", "/", "TAKEN", "old")
        .await;
    app.as_admin()
        .delete_secret(&project, "dev", "/", "TAKEN")
        .await;
    app.create_secret(&project, "dev", "/", "TAKEN", "new")
        .await;
    let listed = trash(&app.as_admin(), &project, "dev").await;
    let id = listed["secrets"][0]["id"].as_str().unwrap();
    let refused = app
        .as_admin()
        .post_json(&restore_url(&project, id), json!({}))
        .await;
    refused.assert_error(reqwest::StatusCode::CONFLICT, "Conflict");
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/", "TAKEN")
        .await;
    assert_eq!(live["secret"]["value"], "new");
}
