//! A write evicts exactly the cached folders it touched.

use super::{read_folder, read_token, stats};
use crate::helpers::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn a_write_in_a_folder_evicts_that_folder_and_not_its_siblings_or_parent() {
    let app = TestApp::spawn().await;
    let project = app.create_project("scoped").await;
    for folder in ["/app", "/app/a", "/app/b"] {
        app.create_secret(&project, "dev", folder, "KEY", "old")
            .await;
    }
    let token = read_token(&app, &project, "/**").await;
    for folder in ["/app", "/app/a", "/app/b"] {
        read_folder(&app, &token, &project, folder).await;
    }
    let before = stats(&app);

    let updated = app
        .as_admin()
        .update_secret(&project, "dev", "/app/a", "KEY", "new")
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");

    for folder in ["/app", "/app/b"] {
        read_folder(&app, &token, &project, folder).await;
    }
    let siblings = stats(&app);
    assert_eq!(siblings.folder_hits - before.folder_hits, 2, "{siblings:?}");
    assert_eq!(siblings.folder_misses, before.folder_misses, "{siblings:?}");

    let listed = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/app/a")
        .await;
    assert_eq!(listed["secrets"][0]["value"], "new");
    assert_eq!(stats(&app).folder_misses, before.folder_misses + 1);
}

#[tokio::test]
async fn a_recursive_listing_is_cached_and_dropped_by_a_write_anywhere_below_it() {
    let app = TestApp::spawn().await;
    let project = app.create_project("subtree").await;
    for folder in ["/app", "/app/db", "/web"] {
        app.create_secret(&project, "dev", folder, "KEY", "old")
            .await;
    }
    let reader = app.as_token(&read_token(&app, &project, "/**").await);
    let listed = async |path: &str| -> Vec<(String, String)> {
        let listing = reader.list_secrets_recursive(&project, "dev", path).await;
        assert_eq!(listing.status, StatusCode::OK);
        listing["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["path"].as_str().unwrap().to_owned(),
                    s["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    for path in ["/app", "/web", "/app", "/web"] {
        listed(path).await;
    }
    let warm = stats(&app);

    let updated = app
        .as_admin()
        .update_secret(&project, "dev", "/app/db", "KEY", "new")
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");

    assert_eq!(
        listed("/app").await,
        [
            ("/app".into(), "old".into()),
            ("/app/db".into(), "new".into())
        ]
    );
    assert_eq!(listed("/web").await, [("/web".into(), "old".into())]);
    let after = stats(&app);
    assert_eq!(
        after.folder_misses - warm.folder_misses,
        1,
        "only /app refilled: {after:?}"
    );
    assert_eq!(
        after.folder_hits - warm.folder_hits,
        1,
        "/web stayed: {after:?}"
    );
}
