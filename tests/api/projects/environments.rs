//! A project's environments: added last, slugs unique and fixed, deleted with their secrets
//! unless a live token names them.

use crate::helpers::{paths, TestApp};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_added_environment_goes_after_the_three_defaults() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Envs").await;
    let added = app
        .as_admin()
        .create_environment(&project, "QA", "qa")
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{added}");
    assert_eq!(added["environment"]["position"], 3);
}

#[tokio::test]
async fn an_environment_slug_is_unique_in_its_project() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Envs").await;
    app.as_admin()
        .create_environment(&project, "QA", "qa")
        .await;
    app.as_admin()
        .create_environment(&project, "QA again", "qa")
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
}

#[tokio::test]
async fn renaming_an_environment_keeps_its_slug() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Envs").await;
    app.as_admin()
        .create_environment(&project, "QA", "qa")
        .await;
    let renamed = app
        .as_admin()
        .patch_json(
            &paths::environment(&project, "qa"),
            json!({ "name": "Quality" }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed["environment"]["name"], "Quality");
    assert_eq!(renamed["environment"]["slug"], "qa", "slugs are immutable");
}

#[tokio::test]
async fn deleting_an_environment_deletes_its_secrets() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Envs").await;
    app.as_admin()
        .create_environment(&project, "QA", "qa")
        .await;
    app.create_secret(&project, "qa", "/", "K", "v").await;
    assert_eq!(
        app.as_admin()
            .delete_environment(&project, "qa")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let left = app.as_admin().list_environments(&project).await;
    assert_eq!(left["environments"].as_array().unwrap().len(), 3);
    assert_eq!(
        app.count_rows("secrets"),
        0,
        "an environment's secrets go with it"
    );
}

#[tokio::test]
async fn an_environment_named_by_a_live_token_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Guarded").await;
    let (_, token_id) = app
        .mint_scoped(&project, "ci", "staging", "/", &["read"])
        .await;
    app.as_admin()
        .delete_environment(&project, "staging")
        .await
        .assert_error(StatusCode::CONFLICT, "Conflict");
    app.revoke(&project, &token_id).await;
    assert_eq!(
        app.as_admin()
            .delete_environment(&project, "staging")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}
