//! Retention: `historyDays` per project (PATCH), and the pruning job run with a fixed `now`
//! (the fake clock of the sweep tests).

use super::{edited_four_times, numbers, versions};
use crate::helpers::TestApp;
use envkeep::jobs::retention;
use envkeep::time::now_millis;
use reqwest::StatusCode;
use serde_json::json;

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn a_project_starts_with_ninety_days_and_patch_changes_name_and_days_not_slug() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Keeper").await;
    let got = app.as_admin().get_project(&project).await;
    assert_eq!(got["project"]["historyDays"], 90, "{got}");
    let url = format!("/api/v1/projects/{project}");
    let patched = app
        .as_admin()
        .patch_json(&url, json!({ "name": "Renamed", "historyDays": 7 }))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{patched}");
    assert_eq!(patched["project"]["name"], "Renamed");
    assert_eq!(patched["project"]["historyDays"], 7);
    assert_eq!(patched["project"]["slug"], got["project"]["slug"]);
}

#[tokio::test]
async fn history_days_out_of_range_is_refused() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Keeper").await;
    let url = format!("/api/v1/projects/{project}");
    let refused = app
        .as_admin()
        .patch_json(&url, json!({ "historyDays": 0 }))
        .await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(refused["details"][0]["field"], "historyDays");
}

#[tokio::test]
async fn versions_are_pruned_history_days_after_they_were_superseded() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Keeper").await;
    let url = format!("/api/v1/projects/{project}");
    app.as_admin()
        .patch_json(&url, json!({ "historyDays": 7 }))
        .await;
    edited_four_times(&app, &project, "OLD").await;
    let store = &app.state.store;
    let six_days = now_millis() + 6 * DAY;
    assert_eq!(retention::run_once(store, six_days).unwrap(), 0);
    assert_eq!(
        numbers(&versions(&app.as_admin(), &project, "OLD").await),
        [4, 3, 2, 1]
    );
    let eight_days = now_millis() + 8 * DAY;
    assert_eq!(retention::run_in_chunks(store, eight_days, 2).unwrap(), 3);
    assert_eq!(
        numbers(&versions(&app.as_admin(), &project, "OLD").await),
        [4]
    );
}

#[tokio::test]
async fn a_trashed_secret_is_pruned_with_its_history_after_history_days() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Keeper").await;
    app.create_secret(&project, "dev", "/", "GONE", "v1").await;
    app.as_admin()
        .delete_secret(&project, "dev", "/", "GONE")
        .await;
    let store = &app.state.store;
    retention::run_once(store, now_millis() + 91 * DAY).unwrap();
    let trash = super::trash(&app.as_admin(), &project, "dev").await;
    assert_eq!(trash["secrets"], json!([]), "{trash}");
    assert_eq!(app.count_rows("secret_versions"), 0);
}
