//! History and recovery (issue 17): versions and their restore, the trash, point-in-time restore
//! of a folder, retention, and who may use them.

mod access;
mod point_in_time;
mod retention;
mod roles;
mod screens;
mod trash;
mod versions;

use crate::helpers::{Answer, Api, TestApp};
use serde_json::{json, Value};

pub fn versions_url(project: &str, env: &str, path: &str, key: &str) -> String {
    format!("/api/v1/projects/{project}/secrets/{key}/versions?environment={env}&path={path}")
}

pub async fn versions(api: &Api, project: &str, key: &str) -> Answer {
    api.get(&versions_url(project, "dev", "/", key)).await
}

/// The `version` numbers of a versions answer, in order.
pub fn numbers(answer: &Answer) -> Vec<i64> {
    answer["versions"]
        .as_array()
        .unwrap_or_else(|| panic!("no versions: {answer}"))
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect()
}

pub fn field_of(answer: &Answer, name: &str) -> Vec<Value> {
    answer["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[name].clone())
        .collect()
}

pub async fn patch(app: &TestApp, project: &str, key: &str, body: Value) -> Answer {
    let url = format!("/api/v1/projects/{project}/secrets/{key}?environment=dev&path=/");
    app.as_admin().patch_json(&url, body).await
}

/// A secret `key` in dev:/ created with `v1`, then updated to `v2`, `v3`, `v4`.
pub async fn edited_four_times(app: &TestApp, project: &str, key: &str) {
    app.create_secret(project, "dev", "/", key, "v1").await;
    for value in ["v2", "v3", "v4"] {
        let updated = patch(app, project, key, json!({ "value": value })).await;
        assert_eq!(updated.status, 200, "{updated}");
    }
}

pub async fn trash(api: &Api, project: &str, env: &str) -> Answer {
    api.get(&format!(
        "/api/v1/projects/{project}/trash?environment={env}"
    ))
    .await
}
