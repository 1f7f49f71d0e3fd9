//! Deleting an environment takes its slug out of every membership of the project, so an
//! environment re-created under the same slug grants nobody anything.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_recreated_environment_is_not_reached_through_an_old_membership() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let admin = app.as_admin();
    let created = admin.create_environment(&project, "QA", "qa").await;
    assert_eq!(created.status.as_u16() / 100, 2, "{created}");
    let dev = app
        .member_of(
            &project,
            "dev@example.com",
            "developer",
            Some(&["dev", "qa"]),
        )
        .await;
    let deleted = admin.delete_environment(&project, "qa").await;
    assert_eq!(deleted.status.as_u16() / 100, 2, "{deleted}");
    let listed = admin.list_members(&project).await;
    assert_eq!(listed["members"][0]["environments"], json!(["dev"]));
    admin.create_environment(&project, "QA", "qa").await;
    app.create_secret(&project, "qa", "/", "QA_KEY", "q").await;
    let read = app.as_user(&dev).list_secrets(&project, "qa", "/").await;
    assert_eq!(read.status, StatusCode::FORBIDDEN, "{read}");
}

#[tokio::test]
async fn a_membership_left_with_no_environment_is_removed() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let admin = app.as_admin();
    admin.create_environment(&project, "QA", "qa").await;
    app.member_of(&project, "qa@example.com", "viewer", Some(&["qa"]))
        .await;
    let deleted = admin.delete_environment(&project, "qa").await;
    assert_eq!(deleted.status.as_u16() / 100, 2, "{deleted}");
    let listed = admin.list_members(&project).await;
    assert_eq!(listed["members"], json!([]), "{listed}");
}
