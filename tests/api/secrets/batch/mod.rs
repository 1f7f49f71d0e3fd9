//! `POST …/secret-batches`: many secrets of one folder in one transaction (what `.env` imports
//! send): the outcome of each key, dry runs, what a caller without `read` learns, and refusals.

mod limits;
mod outcomes;
mod refusals;
mod write_only;

use crate::helpers::TestApp;
use serde_json::{json, Value};

/// A project whose dev:/ holds A=1 and B=2 (B with a comment).
async fn project_with_a_and_b(app: &TestApp) -> String {
    let project = app.create_project("batch").await;
    app.create_secret(&project, "dev", "/", "A", "1").await;
    let body =
        json!({ "environment": "dev", "path": "/", "key": "B", "value": "2", "comment": "kept" });
    let created = app.as_admin().post_secret(&project, body).await;
    assert!(created.status.is_success(), "{created}");
    project
}

/// A batch body for dev:/ from (key, value) pairs.
fn batch(pairs: &[(&str, &str)], overwrite: bool, dry_run: bool) -> Value {
    let secrets: Vec<Value> = pairs
        .iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    json!({ "environment": "dev", "path": "/", "secrets": secrets, "overwrite": overwrite, "dryRun": dry_run })
}

/// The stored value of a dev:/ secret, read as the admin.
async fn value_of(app: &TestApp, project: &str, key: &str) -> Value {
    let read = app.as_admin().get_secret(project, "dev", "/", key).await;
    read["secret"]["value"].clone()
}
