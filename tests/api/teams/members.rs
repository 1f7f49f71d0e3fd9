//! Project members: add, list, change, remove; what is refused with a 422; changes taking effect
//! on the very next request; a member who creates a project becomes its admin.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_member_is_added_listed_changed_and_removed() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let user = app.create_user("dev@example.com", "member").await;
    let api = app.as_admin();
    let body = json!({ "email": "dev@example.com", "role": "developer", "environments": ["dev", "staging"] });
    let added = api.add_member(&project, body).await;
    assert_eq!(added.status, StatusCode::CREATED, "{added}");
    let expected = json!({ "userId": user.id, "email": "dev@example.com", "role": "developer", "environments": ["dev", "staging"] });
    assert_eq!(added["member"], expected);
    assert_eq!(
        api.list_members(&project).await["members"],
        json!([expected])
    );
    let changed = api
        .update_member(&project, &user.id, json!({ "role": "viewer" }))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{changed}");
    assert_eq!(changed["member"]["role"], "viewer");
    assert_eq!(changed["member"]["environments"], json!(["dev", "staging"]));
    let all = api
        .update_member(&project, &user.id, json!({ "environments": null }))
        .await;
    assert_eq!(all["member"]["environments"], json!(null));
    let removed = api.remove_member(&project, &user.id).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(api.list_members(&project).await["members"], json!([]));
}

#[tokio::test]
async fn an_email_without_an_account_is_refused_with_invite_them_first() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let body = json!({ "email": "nobody@example.com", "role": "viewer" });
    let refused = app.as_admin().add_member(&project, body).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert!(refused.text.contains("invite them first"), "{refused}");
}

#[tokio::test]
async fn an_empty_list_a_list_on_an_admin_and_an_unknown_environment_are_422() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    app.create_user("dev@example.com", "member").await;
    let api = app.as_admin();
    for (role, environments) in [
        ("developer", json!([])),
        ("admin", json!(["dev"])),
        ("viewer", json!(["qa"])),
        ("developer", json!("dev")),
        ("owner", json!(null)),
    ] {
        let body =
            json!({ "email": "dev@example.com", "role": role, "environments": environments });
        let refused = api.add_member(&project, body).await;
        refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    }
    assert_eq!(api.list_members(&project).await["members"], json!([]));
}

#[tokio::test]
async fn a_removed_membership_takes_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "dev", "/", "KEY", "v").await;
    let dev = app
        .member_of(&project, "dev@example.com", "developer", Some(&["dev"]))
        .await;
    let read = app
        .as_user(&dev)
        .get_secret(&project, "dev", "/", "KEY")
        .await;
    assert_eq!(read.status, StatusCode::OK);
    app.as_admin().remove_member(&project, &dev.id).await;
    let after = app
        .as_user(&dev)
        .get_secret(&project, "dev", "/", "KEY")
        .await;
    after.assert_error(StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn a_membership_for_all_environments_includes_ones_created_later() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let dev = app
        .member_of(&project, "dev@example.com", "developer", None)
        .await;
    app.as_admin()
        .create_environment(&project, "QA", "qa")
        .await;
    let written = app
        .as_user(&dev)
        .create_secret(&project, "qa", "/", "KEY", "v")
        .await;
    assert_eq!(written.status, StatusCode::CREATED, "{written}");
}

#[tokio::test]
async fn a_member_who_creates_a_project_becomes_its_admin() {
    let app = TestApp::spawn().await;
    let user = app.create_user("maker@example.com", "member").await;
    let created = app.as_user(&user).create_project("Mine").await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    let project = created["project"]["id"].as_str().unwrap();
    let members = app.as_user(&user).list_members(project).await;
    assert_eq!(members.status, StatusCode::OK, "{members}");
    assert_eq!(members["members"][0]["role"], "admin");
    let env = app
        .as_user(&user)
        .create_environment(project, "QA", "qa")
        .await;
    assert_eq!(env.status, StatusCode::CREATED);
}
