//! The audit log: reading it with filters and cursor paging, its hash chain (verify, tampering
//! found, continued across offline writers and pruning), retention, and export.

mod chain;
mod composed_reads;
mod list;
mod pages;
mod reads;
mod retention;
mod roles;
mod tampering;
mod usage;

use crate::helpers::TestApp;
use envkeep::commands::check::KeySource;
use serde_json::Value;

/// Some ordinary writes, each of which audits: a project and three secrets.
async fn some_history(app: &TestApp) -> String {
    let project = app.create_project("audited").await;
    for key in ["A", "B", "C"] {
        app.create_secret(&project, "dev", "/", key, "v").await;
    }
    project
}

/// The chain's verification through the API.
async fn verified(app: &TestApp) -> Value {
    let answer = app.as_admin().get("/api/v1/audit/verify").await;
    assert_eq!(answer.status, 200, "{answer}");
    answer.json.clone()
}

/// The root key beside the server's database, as the offline commands find it.
fn keys(app: &TestApp) -> KeySource {
    KeySource {
        given: None,
        dirs: vec![app.data_dir.clone()],
    }
}

/// The ids of every event, oldest first.
fn ids(app: &TestApp) -> Vec<i64> {
    let conn = app.sqlite();
    let mut statement = conn
        .prepare("SELECT id FROM audit_events ORDER BY id")
        .unwrap();
    let ids = statement
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<i64>, _>>()
        .unwrap();
    ids
}
