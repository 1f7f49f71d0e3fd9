//! A person's reads of values are recorded (`secret.revealed`, `folder.exported`); a service
//! token's reads are counted instead, never recorded.

use crate::helpers::TestApp;
use serde_json::Value;

pub(super) async fn events(app: &TestApp, action: &str) -> Vec<Value> {
    let page = app
        .as_admin()
        .get(&format!("/api/v1/audit?action={action}"))
        .await;
    assert_eq!(page.status, 200, "{page}");
    page["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_admins_read_of_one_value_is_recorded_as_secret_revealed() {
    let app = TestApp::spawn().await;
    let project = app.create_project("read").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let got = app.as_admin().get_secret(&project, "dev", "/", "K").await;
    assert_eq!(got.status, 200, "{got}");
    let revealed = events(&app, "secret.revealed").await;
    assert_eq!(revealed.len(), 1);
    assert_eq!(revealed[0]["key"], "K");
    assert_eq!(revealed[0]["environment"], "dev");
    assert_eq!(revealed[0]["projectId"], project);
}

#[tokio::test]
async fn an_admins_listing_is_recorded_as_folder_exported_but_not_its_304() {
    let app = TestApp::spawn().await;
    let project = app.create_project("listed").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let listed = app.as_admin().list_secrets(&project, "dev", "/").await;
    assert_eq!(listed.status, 200);
    assert_eq!(events(&app, "folder.exported").await.len(), 1);
    let etag = listed.header("etag").to_owned();
    let again = app
        .as_admin()
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/projects/{project}/secrets?environment=dev&path=/"),
        )
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(events(&app, "folder.exported").await.len(), 1);
}

#[tokio::test]
async fn a_tokens_reads_are_not_recorded() {
    let app = TestApp::spawn().await;
    let project = app.create_project("machine").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let (token, _) = app.mint_scoped(&project, "t", "dev", "/", &["read"]).await;
    assert_eq!(
        app.as_token(&token)
            .get_secret(&project, "dev", "/", "K")
            .await
            .status,
        200
    );
    assert_eq!(
        app.as_token(&token)
            .list_secrets(&project, "dev", "/")
            .await
            .status,
        200
    );
    assert!(events(&app, "secret.revealed").await.is_empty());
    assert!(events(&app, "folder.exported").await.is_empty());
}
