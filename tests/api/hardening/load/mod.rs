//! Concurrency: 8 writers and 8 readers at once get no 5xx and never "database is locked".
//! The in-process test runs for `ENVKEEP_LOAD_SECS` (default 3 s); `binary::concurrency_*`
//! runs the same load for 10 s against the release binary.

mod report;
mod workers;

pub use report::{assert_all_acknowledged_present, assert_clean, LoadReport};
pub use workers::{run, READERS, WRITERS};

use crate::helpers::{access_part, Api, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

/// Where the load goes: a project with a `SEED` secret in `dev`, the admin, and the holder of a
/// read token for the whole environment.
#[derive(Clone)]
pub struct Target {
    pub project: String,
    pub admin: Api,
    pub reader: Api,
}

/// Prepares a `Target` on a running server, as `admin`.
pub async fn prepare(admin: &Api) -> Target {
    let created = admin.create_project("load").await;
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    let seed = admin
        .create_secret(&project, "dev", "/", "SEED", "seed")
        .await;
    assert_eq!(seed.status, StatusCode::CREATED);
    let minted = admin
        .mint(&project, json!({ "name": "reader", "scopes": [{ "environment": "dev", "secretPath": "/**" }], "permissions": ["read"], "expiresIn": null }))
        .await;
    let token = access_part(minted["token"].as_str().unwrap());
    Target {
        project,
        reader: admin.clone().with_bearer(&token),
        admin: admin.clone(),
    }
}

/// The load duration: `ENVKEEP_LOAD_SECS` or `default`.
pub fn duration_from_env(default: u64) -> Duration {
    Duration::from_secs(
        std::env::var("ENVKEEP_LOAD_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default),
    )
}

/// Every secret in `dev` of `project`, as folder path + key → value.
pub async fn all_secrets(admin: &Api, project: &str) -> HashMap<String, String> {
    let listed = admin.list_secrets_recursive(project, "dev", "/").await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    listed["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let path = s["path"].as_str().unwrap();
            let sep = if path == "/" { "" } else { "/" };
            (
                format!("{path}{sep}{}", s["key"].as_str().unwrap()),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_writers_and_eight_readers_get_no_5xx_and_no_lock_errors() {
    let app = TestApp::spawn().await;
    let target = prepare(&app.as_admin()).await;
    let project = target.project.clone();
    let report = run(target, duration_from_env(3)).await;
    println!(
        "in-process load: {} requests, statuses {:?}",
        report.requests(),
        report.statuses
    );
    assert_clean(&report);
    let writes = report.statuses.get(&201).copied().unwrap_or(0);
    assert!(
        writes >= WRITERS as u64,
        "too few writes went through: {:?}",
        report.statuses
    );
    let found = all_secrets(&app.as_admin(), &project).await;
    assert_all_acknowledged_present(&report, &found);
    // The graceful stop completes promptly right after the load.
    tokio::time::timeout(Duration::from_secs(15), app.stop())
        .await
        .expect("server stops");
}
