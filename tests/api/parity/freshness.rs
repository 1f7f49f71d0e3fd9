//! An answer that expanded references or included imports changes (new ETag, new body) when
//! any folder it read changes.

use super::{parity, value_of};
use reqwest::header::{ETAG, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};

async fn poll(p: &super::Parity, path: &str, etag: &str) -> crate::helpers::Answer {
    use crate::helpers::Answered;
    p.app
        .as_admin()
        .request(Method::GET, path)
        .header(IF_NONE_MATCH, etag)
        .answer()
        .await
}

#[tokio::test]
async fn changing_a_referenced_secret_changes_an_expanded_listing() {
    let p = parity().await;
    let path = p.raw("dev", "/", "expandSecretReferences=true");
    let first = p.app.as_admin().get(&path).await;
    let etag = first.header(ETAG.as_str()).to_owned();
    assert_eq!(
        poll(&p, &path, &etag).await.status,
        StatusCode::NOT_MODIFIED
    );
    let changed = p
        .app
        .as_admin()
        .update_secret(&p.project, "prod", "/api", "TOKEN", "t2")
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let after = poll(&p, &path, &etag).await;
    assert_eq!(after.status, StatusCode::OK, "not a 304");
    assert_eq!(value_of(&after["secrets"], "REF"), "l-t2");
}

#[tokio::test]
async fn changing_an_imported_secret_changes_a_listing_with_imports() {
    let p = parity().await;
    let path = p.raw("dev", "/", "include_imports=true");
    let etag = p
        .app
        .as_admin()
        .get(&path)
        .await
        .header(ETAG.as_str())
        .to_owned();
    assert_eq!(
        poll(&p, &path, &etag).await.status,
        StatusCode::NOT_MODIFIED
    );
    p.app
        .as_admin()
        .update_secret(&p.project, "dev", "/base", "BASE", "b2")
        .await;
    let after = poll(&p, &path, &etag).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(value_of(&after["imports"][0]["secrets"], "BASE"), "b2");
}

#[tokio::test]
async fn creating_a_missing_target_changes_an_expanded_native_listing() {
    let p = parity().await;
    let path = format!(
        "/api/v1/projects/{}/secrets?environment=dev&path=/&expand=true",
        p.project
    );
    let first = p.app.as_admin().get(&path).await;
    assert_eq!(value_of(&first["secrets"], "MISSING"), "${NOPE}");
    let etag = first.header(ETAG.as_str()).to_owned();
    p.app
        .create_secret(&p.project, "dev", "/", "NOPE", "found")
        .await;
    let after = poll(&p, &path, &etag).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(value_of(&after["secrets"], "MISSING"), "found");
}
