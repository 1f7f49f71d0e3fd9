//! The Members tab's environment boxes: unticking all of them is an error, never a silent
//! widening to every environment; "All environments" is its own box.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn unticking_every_environment_of_a_developer_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let dev = app
        .member_of(&project, "dev@example.com", "developer", Some(&["dev"]))
        .await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [("csrf_token", csrf.as_str()), ("role", "developer")];
    let href = format!("/projects/{project}/access-control/members/{}", dev.id);
    let refused = browser.post_form(&href, &form).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused}"
    );
    let listed = app.as_admin().list_members(&project).await;
    assert_eq!(listed["members"][0]["environments"], json!(["dev"]));
}

#[tokio::test]
async fn the_all_environments_box_gives_a_viewer_every_environment() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let viewer = app
        .member_of(&project, "viewer@example.com", "viewer", Some(&["dev"]))
        .await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("role", "viewer"),
        ("all_environments", "1"),
    ];
    let href = format!("/projects/{project}/access-control/members/{}", viewer.id);
    let saved = browser.post_form(&href, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{saved}");
    let listed = app.as_admin().list_members(&project).await;
    assert_eq!(listed["members"][0]["environments"], json!(null));
}
