//! A caller with `write` but not `read` (DESIGN §9: a batch needs write only) learns which keys
//! exist, never how their stored values compare: a right and a wrong guess look the same.

use super::{batch, project_with_a_and_b, value_of};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn write_only_token(app: &TestApp, project: &str) -> String {
    app.mint_scoped(project, "w", "dev", "/", &["write"])
        .await
        .0
}

#[tokio::test]
async fn a_write_only_token_may_write_a_batch() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let writer = write_only_token(&app, &project).await;
    let answer = app
        .as_token(&writer)
        .write_batch(&project, batch(&[("NEW", "v")], false, false))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer}");
    assert_eq!(answer["created"], json!(["NEW"]));
    assert_eq!(value_of(&app, &project, "NEW").await, "v");
}

#[tokio::test]
async fn a_right_and_a_wrong_guess_of_a_stored_value_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let writer = app.as_token(&write_only_token(&app, &project).await);
    for dry_run in [true, false] {
        let right = writer
            .write_batch(&project, batch(&[("A", "1")], false, dry_run))
            .await;
        let wrong = writer
            .write_batch(&project, batch(&[("A", "guess")], false, dry_run))
            .await;
        assert_eq!(right.status, StatusCode::OK, "{right}");
        let expected = json!({ "created": [], "overwritten": [], "unchanged": [], "skipped": [], "existing": ["A"], "dryRun": dry_run });
        assert_eq!(right.json, expected, "right guess, dry run {dry_run}");
        assert_eq!(wrong.json, expected, "wrong guess, dry run {dry_run}");
        assert_eq!(right.headers.len(), wrong.headers.len());
    }
    assert_eq!(value_of(&app, &project, "A").await, "1");
}

#[tokio::test]
async fn with_overwrite_a_write_only_caller_replaces_existing_keys_reported_as_existing() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let writer = app.as_token(&write_only_token(&app, &project).await);
    let right = writer
        .write_batch(&project, batch(&[("A", "1"), ("B", "new")], true, true))
        .await;
    let wrong = writer
        .write_batch(&project, batch(&[("A", "x"), ("B", "2")], true, true))
        .await;
    assert_eq!(right.json, wrong.json);
    assert_eq!(right["existing"], json!(["A", "B"]), "{right}");
    let applied = writer
        .write_batch(&project, batch(&[("A", "1"), ("B", "new")], true, false))
        .await;
    assert_eq!(applied["existing"], json!(["A", "B"]), "{applied}");
    assert_eq!(applied["overwritten"], json!([]));
    assert_eq!(value_of(&app, &project, "B").await, "new");
}
