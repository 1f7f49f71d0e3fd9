//! The storage limits hold for batches: checked once per batch, in its transaction, with the
//! number of new secrets (existing keys being overwritten do not count).

use super::{batch, project_with_a_and_b, value_of};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_batch_over_the_folder_limit_is_refused_and_writes_nothing() {
    let app = TestApp::spawn_with(|c| c.limits.secrets_per_folder = 3).await;
    let project = project_with_a_and_b(&app).await;
    // A exists (overwritten, not new); C and D are two new secrets for one free place.
    let body = batch(&[("A", "changed"), ("C", "3"), ("D", "4")], true, false);
    let refused = app.as_admin().write_batch(&project, body).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(
        refused["details"][0]["field"], "secretsPerFolder",
        "{refused}"
    );
    assert_eq!(value_of(&app, &project, "A").await, json!("1"));
    let c = app.as_admin().get_secret(&project, "dev", "/", "C").await;
    assert_eq!(c.status, StatusCode::NOT_FOUND, "{c}");
    assert_eq!(app.count_rows("secrets"), 2);
}

#[tokio::test]
async fn a_dry_run_over_the_folder_limit_reports_the_same_422() {
    let app = TestApp::spawn_with(|c| c.limits.secrets_per_folder = 3).await;
    let project = project_with_a_and_b(&app).await;
    let body = batch(&[("C", "3"), ("D", "4")], false, true);
    let refused = app.as_admin().write_batch(&project, body).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(
        refused["details"][0]["field"], "secretsPerFolder",
        "{refused}"
    );
}
