//! A service token reaches only what its scopes and permissions name, on every native route.

mod audit;
mod denial_budget;
mod hidden_folders;
mod listings;
mod reads;
mod writes;

use crate::helpers::{Answer, TestApp};

/// A project with one secret in each of six places; each value names its place (`dev/app/db`).
async fn seeded() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Scopes").await;
    for (env, path, key) in [
        ("dev", "/", "ROOT_KEY"),
        ("dev", "/app", "APP_KEY"),
        ("dev", "/app/db", "DB_KEY"),
        ("dev", "/apple", "SIBLING_KEY"),
        ("dev", "/other", "OTHER_KEY"),
        ("staging", "/app", "STAGING_KEY"),
    ] {
        app.create_secret(&project, env, path, key, &format!("{env}{path}"))
            .await;
    }
    (app, project)
}

/// The secrets seeded above.
const SEEDED: i64 = 6;

fn keys(listing: &Answer) -> Vec<String> {
    listing["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect()
}
