//! A listing too large to keep decrypted is written row by row as it is read (issue 14, item 4):
//! it answers the same shapes as a kept one, names damaged rows, shows a token only its scopes,
//! keeps a stable ETag, and leaves nothing in the cache.

use crate::helpers::{access_part, Answered, TestApp};
use reqwest::{Method, StatusCode};

const BIG: usize = 60_000;

/// 20 secrets of 60 KB in each of dev:/big/a and dev:/big/b (too large to keep), K00 of /big/a
/// damaged, and a read token for dev:/big/a only (its access part).
async fn large() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("large").await;
    for folder in ["/big/a", "/big/b"] {
        for i in 0..20 {
            let value = format!("{i:02}").repeat(BIG / 2);
            app.create_secret(&project, "dev", folder, &format!("K{i:02}"), &value)
                .await;
        }
    }
    let id: String = app
        .sqlite()
        .query_row(
            "SELECT id FROM secrets WHERE path = '/big/a' AND key = 'K00'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let conn = app.sqlite();
    let blob: Vec<u8> = conn
        .query_row("SELECT value_ct FROM secrets WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    // K00 exists in both folders: damage /big/a's only.
    let mut damaged = blob;
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    conn.execute(
        "UPDATE secrets SET value_ct = ?1 WHERE id = ?2",
        rusqlite::params![damaged, id],
    )
    .unwrap();
    app.state.store.notice_outside_changes_blocking();
    let (token, _) = app
        .mint_scoped(&project, "a-only", "dev", "/big/a", &["read"])
        .await;
    (app, project, access_part(&token))
}

#[tokio::test]
async fn a_listing_too_large_to_keep_names_its_damaged_row_and_is_not_kept() {
    let (app, project, _) = large().await;
    let listed = app.as_admin().list_secrets(&project, "dev", "/big/a").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.status);
    assert_eq!(listed["secrets"].as_array().unwrap().len(), 19);
    assert_eq!(listed["secrets"][0]["key"], "K01");
    assert_eq!(listed["secrets"][0]["value"], "01".repeat(BIG / 2));
    assert_eq!(listed["unreadable"][0]["key"], "K00");
    assert_eq!(app.state.store.stats().folders_cached, 0);
}

#[tokio::test]
async fn a_large_recursive_listing_shows_a_token_only_its_scopes() {
    let (app, project, token) = large().await;
    let admin = app
        .as_admin()
        .list_secrets_recursive(&project, "dev", "/big")
        .await;
    assert_eq!(admin["secrets"].as_array().unwrap().len(), 39);
    let scoped = app
        .as_token(&token)
        .list_secrets_recursive(&project, "dev", "/big")
        .await;
    assert_eq!(scoped.status, StatusCode::OK, "{}", scoped.status);
    let paths: Vec<&str> = scoped["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 19);
    assert!(paths.iter().all(|p| *p == "/big/a"), "{paths:?}");
}

#[tokio::test]
async fn large_infisical_listings_keep_a_stable_etag_and_leave_the_damaged_row_out() {
    let (app, project, token) = large().await;
    for route in ["/api/v3/secrets/raw", "/api/v3/secrets"] {
        let url = format!("{route}?workspaceId={project}&environment=dev&secretPath=%2Fbig%2Fa");
        let reader = app.as_token(&token);
        let first = reader.get(&url).await;
        assert_eq!(first.status, StatusCode::OK, "{route}: {}", first.status);
        assert_eq!(first["secrets"].as_array().unwrap().len(), 19, "{route}");
        assert!(first.json.get("unreadable").is_none(), "{route}");
        let again = reader
            .request(Method::GET, &url)
            .header("If-None-Match", first.header("etag"))
            .answer()
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{route}");
    }
}
