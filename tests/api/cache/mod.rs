//! The Store's caches (DESIGN §4, §8): reads are served from memory, yet every write is visible
//! to the very next read, a write evicts exactly what it touched, and a change made by another
//! program clears every cache within the probe's second.

mod eviction;
mod large_folders;
mod outside_changes;
mod read_after_write;

use crate::helpers::{access_part, Answer, TestApp};
use envkeep::store::CacheStats;
use reqwest::StatusCode;

fn stats(app: &TestApp) -> CacheStats {
    app.state.store.stats()
}

/// The access part of a never-expiring read token for dev:`path`.
async fn read_token(app: &TestApp, project: &str, path: &str) -> String {
    let (token, _) = app
        .mint_scoped(project, "reader", "dev", path, &["read"])
        .await;
    access_part(&token)
}

/// (key, value) of each secret in a listing.
fn values(listing: &Answer) -> Vec<(String, String)> {
    listing["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_owned(),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Reads dev:`path` with `token`, which must be served (200) or refused as unknown (401).
async fn read_folder(app: &TestApp, token: &str, project: &str, path: &str) -> StatusCode {
    let read = app.as_token(token).list_secrets(project, "dev", path).await;
    assert!(
        read.status == StatusCode::OK || read.status == StatusCode::UNAUTHORIZED,
        "{read}"
    );
    read.status
}
