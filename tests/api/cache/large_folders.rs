//! A folder too large to keep is opened only as far as a request needs.

use super::{read_token, stats, values};
use crate::helpers::TestApp;
use reqwest::StatusCode;

/// A project with 105 secrets K000..K104 in dev:/app and a read token for it.
async fn large_folder() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("cache").await;
    for i in 0..105 {
        app.create_secret(
            &project,
            "dev",
            "/app",
            &format!("K{i:03}"),
            &format!("v{i}"),
        )
        .await;
    }
    let token = read_token(&app, &project, "/app").await;
    (app, project, token)
}

#[tokio::test]
async fn a_get_in_a_large_folder_opens_one_secret_without_caching_the_folder() {
    let (app, project, token) = large_folder().await;
    let reader = app.as_token(&token);
    let read = reader.get_secret(&project, "dev", "/app", "K042").await;
    assert_eq!(
        (read.status, read["secret"]["value"].as_str()),
        (StatusCode::OK, Some("v42"))
    );
    assert_eq!(
        stats(&app).folders_cached,
        0,
        "a get decrypts a large folder's one secret, not all of it"
    );
    assert_eq!(
        reader
            .get_secret(&project, "dev", "/app", "K999")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_listing_of_a_large_folder_caches_the_folder_it_decrypted() {
    let (app, project, token) = large_folder().await;
    let listed = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/app")
        .await;
    assert_eq!(values(&listed).len(), 105);
    assert_eq!(stats(&app).folders_cached, 1);
}
