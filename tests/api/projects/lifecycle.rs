//! Creating, reading, listing and deleting projects.

use crate::helpers::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn a_new_project_gets_a_trimmed_name_a_slug_and_three_environments() {
    let app = TestApp::spawn().await;
    let created = app.as_admin().create_project("  Billing API ").await;
    assert_eq!(created.status, StatusCode::CREATED);
    let project = &created["project"];
    assert_eq!(project["name"], "Billing API");
    assert_eq!(project["slug"], "billing-api");
    assert_eq!(project["id"].as_str().unwrap().len(), 32);
    let slugs: Vec<&str> = project["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["dev", "staging", "prod"]);
    assert!(project["createdAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_created_project_is_read_back_and_listed() {
    let app = TestApp::spawn().await;
    let id = app.create_project("Billing API").await;
    let read = app.as_admin().get_project(&id).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read["project"]["id"], id.as_str());
    let list = app.as_admin().list_projects().await;
    assert_eq!(list["projects"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_second_project_with_the_same_name_gets_its_own_slug() {
    let app = TestApp::spawn().await;
    app.create_project("Billing API").await;
    let second = app.create_project("Billing API").await;
    let read = app.as_admin().get_project(&second).await;
    assert_ne!(read["project"]["slug"], "billing-api", "slugs stay unique");
}

#[tokio::test]
async fn deleting_a_project_removes_it_and_its_environments() {
    let app = TestApp::spawn().await;
    let id = app.create_project("Billing API").await;
    assert_eq!(
        app.as_admin().delete_project(&id).await.status,
        StatusCode::NO_CONTENT
    );
    app.as_admin()
        .get_project(&id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(
        app.count_rows("environments"),
        0,
        "deleting a project removes its environments"
    );
}
