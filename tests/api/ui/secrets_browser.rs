//! The secrets browser: folders, and adding, editing and deleting values up to 64 KiB.

use super::{secrets_form, secrets_page};
use crate::helpers::{Answer, Browser, TestApp};
use reqwest::StatusCode;

const BIG: usize = 65_536;

/// A project with an empty folder dev:/app, the harness browser and its CSRF token.
async fn browsing() -> (TestApp, String, Browser, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let folder = app
        .as_admin()
        .create_folder(&project, "dev", "/", "app")
        .await;
    assert_eq!(folder.status, StatusCode::CREATED, "{folder}");
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    (app, project, browser, csrf)
}

/// Posts the add form for `key` in dev:/app.
async fn add(browser: &Browser, project: &str, csrf: &str, key: &str, value: &str) -> Answer {
    let fields = [
        ("csrf_token", csrf),
        ("path", "/app"),
        ("key", key),
        ("value", value),
        ("comment", "c"),
    ];
    browser
        .post_form(&secrets_form(project, "add"), &fields)
        .await
}

#[tokio::test]
async fn a_folder_created_in_the_browser_is_opened() {
    let (_app, project, browser, csrf) = browsing().await;
    let folder = browser
        .post_form(
            &secrets_form(&project, "folders"),
            &[("csrf_token", &csrf), ("path", "/"), ("name", "web")],
        )
        .await;
    assert_eq!(
        folder.location(),
        format!(
            "{}?path=/web&notice=folder-created",
            secrets_page(&project, "dev")
        )
    );
}

#[tokio::test]
async fn a_64_kib_value_is_added_and_shown_on_a_page_that_is_never_cached() {
    let (_app, project, browser, csrf) = browsing().await;
    let big = "v".repeat(BIG);
    let added = add(&browser, &project, &csrf, "BIG", &big).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let folder = browser
        .get(&format!("{}?path=/app", secrets_page(&project, "dev")))
        .await;
    assert_eq!(folder.header("cache-control"), "no-store");
    assert!(folder.text.contains(&big));
}

#[tokio::test]
async fn a_value_over_64_kib_is_refused_by_its_field() {
    let (_app, project, browser, csrf) = browsing().await;
    let refused = add(&browser, &project, &csrf, "BIGGER", &"v".repeat(BIG + 1)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("id=\"value-error\""));
}

#[tokio::test]
async fn adding_a_key_that_exists_is_a_conflict() {
    let (_app, project, browser, csrf) = browsing().await;
    add(&browser, &project, &csrf, "BIG", "first").await;
    let duplicate = add(&browser, &project, &csrf, "BIG", "x").await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.text.contains("already exists"));
}

#[tokio::test]
async fn an_edited_value_is_saved() {
    let (app, project, browser, csrf) = browsing().await;
    add(&browser, &project, &csrf, "BIG", &"v".repeat(BIG)).await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/app"),
        ("key", "BIG"),
        ("value", "small"),
        ("comment", ""),
    ];
    assert_eq!(
        browser
            .post_form(&secrets_form(&project, "edit"), &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let read = app
        .as_admin()
        .get_secret(&project, "dev", "/app", "BIG")
        .await;
    assert_eq!(read["secret"]["value"], "small");
}

#[tokio::test]
async fn a_secret_deleted_in_the_browser_is_gone() {
    let (app, project, browser, csrf) = browsing().await;
    add(&browser, &project, &csrf, "BIG", "x").await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/app"),
        ("key", "BIG"),
    ];
    assert_eq!(
        browser
            .post_form(&secrets_form(&project, "delete"), &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let gone = app
        .as_admin()
        .get_secret(&project, "dev", "/app", "BIG")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
