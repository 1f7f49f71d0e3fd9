//! Point-in-time restore of a folder: changed, deleted and created since `at`, in one go; its
//! dry run; `at` out of range.

use crate::helpers::Answer;
use crate::helpers::TestApp;
use envkeep::time::{now_millis, rfc3339};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

fn url(project: &str) -> String {
    format!("/api/v1/projects/{project}/environments/dev/restore")
}

/// Sorted keys of one of the answer's lists.
fn keys(answer: &Answer, list: &str) -> Vec<String> {
    let mut keys: Vec<String> = answer[list]["keys"]
        .as_array()
        .unwrap_or_else(|| panic!("no {list}: {answer}"))
        .iter()
        .map(|k| {
            format!(
                "{}:{}",
                k["path"].as_str().unwrap(),
                k["key"].as_str().unwrap()
            )
        })
        .collect();
    keys.sort();
    keys
}

/// dev:/app with KEEP, CHANGE and DROP; `at` taken; then CHANGE changed, DROP deleted, NEW created
/// (and /app/sub/NESTED created). Returns the app, the project and `at`.
async fn changed_since() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("pitr").await;
    for key in ["KEEP", "CHANGE", "DROP"] {
        app.create_secret(&project, "dev", "/app", key, &format!("{key}-then"))
            .await;
    }
    // Versions are stamped in milliseconds: `at` lies strictly between the two phases.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let at = rfc3339(now_millis());
    tokio::time::sleep(Duration::from_millis(5)).await;
    let admin = app.as_admin();
    admin
        .update_secret(&project, "dev", "/app", "CHANGE", "CHANGE-now")
        .await;
    admin.delete_secret(&project, "dev", "/app", "DROP").await;
    app.create_secret(&project, "dev", "/app", "NEW", "new")
        .await;
    app.create_secret(&project, "dev", "/app/sub", "NESTED", "nested")
        .await;
    (app, project, at)
}

async fn values(app: &TestApp, project: &str) -> Vec<(String, String)> {
    let listed = app
        .as_admin()
        .list_secrets_recursive(project, "dev", "/app")
        .await;
    let mut pairs: Vec<(String, String)> = listed["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_owned(),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn a_folder_goes_back_to_how_it_was_at_a_time() {
    let (app, project, at) = changed_since().await;
    let done = app
        .as_admin()
        .post_json(&url(&project), json!({ "at": at, "path": "/app" }))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{done}");
    assert_eq!(keys(&done, "changed"), ["/app:CHANGE"]);
    assert_eq!(keys(&done, "restored"), ["/app:DROP"]);
    assert_eq!(keys(&done, "removed"), ["/app/sub:NESTED", "/app:NEW"]);
    assert_eq!(done["changed"]["count"], 1);
    let expected: Vec<(String, String)> = ["CHANGE", "DROP", "KEEP"]
        .iter()
        .map(|k| (k.to_string(), format!("{k}-then")))
        .collect();
    assert_eq!(values(&app, &project).await, expected);
    let trash = super::trash(&app.as_admin(), &project, "dev").await;
    assert_eq!(trash["secrets"].as_array().unwrap().len(), 2, "{trash}");
}

#[tokio::test]
async fn a_dry_run_answers_the_same_and_changes_nothing() {
    let (app, project, at) = changed_since().await;
    let before = values(&app, &project).await;
    let body = json!({ "at": at, "path": "/app", "dryRun": true });
    let planned = app.as_admin().post_json(&url(&project), body).await;
    assert_eq!(planned.status, StatusCode::OK, "{planned}");
    assert_eq!(planned["dryRun"], true);
    assert_eq!(keys(&planned, "changed"), ["/app:CHANGE"]);
    assert_eq!(keys(&planned, "restored"), ["/app:DROP"]);
    assert_eq!(keys(&planned, "removed"), ["/app/sub:NESTED", "/app:NEW"]);
    assert_eq!(values(&app, &project).await, before);
}

#[tokio::test]
async fn a_time_in_the_future_is_refused() {
    let app = TestApp::spawn().await;
    let project = app.create_project("pitr").await;
    let later = rfc3339(now_millis() + 3_600_000);
    let refused = app
        .as_admin()
        .post_json(&url(&project), json!({ "at": later, "path": "/" }))
        .await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(refused["details"][0]["field"], "at", "{refused}");
}

#[tokio::test]
async fn a_time_older_than_the_retention_window_is_refused() {
    let app = TestApp::spawn().await;
    let project = app.create_project("pitr").await;
    let long_ago = rfc3339(now_millis() - 91 * 86_400_000);
    let refused = app
        .as_admin()
        .post_json(&url(&project), json!({ "at": long_ago, "path": "/" }))
        .await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert!(
        refused["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("90 days"),
        "{refused}"
    );
}
