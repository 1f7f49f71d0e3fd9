//! Project settings: environments added, renamed, moved and deleted, and deleting the project.

use super::{environment_form, environment_settings, project_delete_page};
use crate::helpers::{Browser, TestApp};
use reqwest::StatusCode;

/// A project, the harness browser and its CSRF token.
async fn in_settings() -> (TestApp, String, Browser, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    (app, project, browser, csrf)
}

/// Adds "QA Team" (slug `qa-team`, from the name) in the settings.
async fn add_qa_team(browser: &Browser, project: &str, csrf: &str) {
    let fields = [("csrf_token", csrf), ("name", "QA Team"), ("slug", "")];
    let added = browser
        .post_form(&environment_settings(project), &fields)
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_environment_slug_taken_in_the_project_is_a_conflict() {
    let (_app, project, browser, csrf) = in_settings().await;
    add_qa_team(&browser, &project, &csrf).await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "Again"),
        ("slug", "qa-team"),
    ];
    let duplicate = browser
        .post_form(&environment_settings(&project), &fields)
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_environment_is_renamed_and_moved_up_in_the_settings() {
    let (app, project, browser, csrf) = in_settings().await;
    add_qa_team(&browser, &project, &csrf).await;
    let renamed = browser
        .post_form(
            &environment_form(&project, "qa-team", "rename"),
            &[("csrf_token", &csrf), ("name", "Quality")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let moved = browser
        .post_form(
            &environment_form(&project, "qa-team", "move"),
            &[("csrf_token", &csrf), ("direction", "up")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let envs = app.as_admin().list_environments(&project).await;
    let order: Vec<&str> = envs["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["dev", "staging", "qa-team", "prod"]);
    assert_eq!(envs["environments"][2]["name"], "Quality");
}

#[tokio::test]
async fn an_environment_a_token_names_cannot_be_deleted_in_the_settings() {
    let (app, project, browser, csrf) = in_settings().await;
    add_qa_team(&browser, &project, &csrf).await;
    app.mint_scoped(&project, "t", "qa-team", "/", &["read"])
        .await;
    let delete = environment_form(&project, "qa-team", "delete");
    let blocked = browser.post_form(&delete, &[("csrf_token", &csrf)]).await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(
        blocked.text.contains("1 live service token names"),
        "{blocked}"
    );
}

#[tokio::test]
async fn an_unused_environment_is_deleted_in_the_settings() {
    let (_app, project, browser, csrf) = in_settings().await;
    let delete = environment_form(&project, "prod", "delete");
    let deleted = browser.post_form(&delete, &[("csrf_token", &csrf)]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_project_is_not_deleted_unless_its_name_is_typed_exactly() {
    let (app, project, browser, csrf) = in_settings().await;
    let fields = [("csrf_token", csrf.as_str()), ("confirm_name", "shop")];
    let wrong = browser
        .post_form(&project_delete_page(&project), &fields)
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text.contains("does not match"));
    assert_eq!(
        app.as_admin().get_project(&project).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn typing_the_project_name_deletes_the_project() {
    let (app, project, browser, csrf) = in_settings().await;
    let fields = [("csrf_token", csrf.as_str()), ("confirm_name", "Shop")];
    let right = browser
        .post_form(&project_delete_page(&project), &fields)
        .await;
    assert_eq!(right.location(), "/projects?notice=project-deleted");
    assert_eq!(
        app.as_admin().get_project(&project).await.status,
        StatusCode::NOT_FOUND
    );
}
