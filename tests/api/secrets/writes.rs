//! Creating, reading, updating and deleting one secret.

use crate::helpers::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// Creates DB_URL at dev:/app/db with a comment (and a field the server ignores).
async fn create_db_url(app: &TestApp, project: &str) -> Answer {
    let body = json!({
        "environment": "dev", "path": "/app/db", "key": "DB_URL", "value": "postgres://u:p@h/db",
        "comment": "primary", "unknownField": 1,
    });
    app.as_admin().post_secret(project, body).await
}

#[tokio::test]
async fn a_new_secret_starts_at_version_1_with_its_missing_folders_created() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Secrets").await;
    let created = create_db_url(&app, &project).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(created["secret"]["version"], 1);
    assert_eq!(created["secret"]["path"], "/app/db");
}

#[tokio::test]
async fn a_secret_reads_back_with_its_comment_and_is_never_cached() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Secrets").await;
    create_db_url(&app, &project).await;
    let read = app
        .as_admin()
        .get_secret(&project, "dev", "/app/db", "DB_URL")
        .await;
    assert_eq!(read.header("cache-control"), "no-store");
    assert_eq!(read["secret"]["value"], "postgres://u:p@h/db");
    assert_eq!(read["secret"]["comment"], "primary");
}

#[tokio::test]
async fn an_update_bumps_the_version_and_keeps_an_omitted_comment() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Secrets").await;
    create_db_url(&app, &project).await;
    let updated = app
        .as_admin()
        .update_secret(&project, "dev", "/app/db", "DB_URL", "postgres://new")
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(updated["secret"]["version"], 2);
    assert_eq!(
        updated["secret"]["comment"], "primary",
        "an omitted comment is kept"
    );
    let listed = app
        .as_admin()
        .list_secrets(&project, "dev", "/app/db")
        .await;
    assert_eq!(listed["secrets"][0]["value"], "postgres://new");
    assert_eq!(listed["secrets"][0]["version"], 2);
}

#[tokio::test]
async fn a_second_secret_with_the_same_key_in_the_same_folder_is_409() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Secrets").await;
    create_db_url(&app, &project).await;
    app.as_admin()
        .create_secret(&project, "dev", "/app/db", "DB_URL", "dup")
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
}

#[tokio::test]
async fn a_deleted_secret_is_404() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Secrets").await;
    create_db_url(&app, &project).await;
    let admin = app.as_admin();
    assert_eq!(
        admin
            .delete_secret(&project, "dev", "/app/db", "DB_URL")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    admin
        .get_secret(&project, "dev", "/app/db", "DB_URL")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NotFound");
}
