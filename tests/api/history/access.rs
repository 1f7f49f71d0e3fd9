//! Who may use history (DESIGN §9, "versions, trash, restore"): people; never a service token,
//! even one that may read and write the secret.

use super::{edited_four_times, versions};
use crate::helpers::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn refused(answer: &Answer) {
    answer.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn a_read_write_service_token_gets_403_on_versions_trash_and_restores() {
    let app = TestApp::spawn().await;
    let project = app.create_project("access").await;
    edited_four_times(&app, &project, "KEY").await;
    app.create_secret(&project, "dev", "/", "GONE", "v1").await;
    app.as_admin()
        .delete_secret(&project, "dev", "/", "GONE")
        .await;
    let trash = super::trash(&app.as_admin(), &project, "dev").await;
    let trashed = trash["secrets"][0]["id"].as_str().unwrap().to_owned();
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let api = app.as_token(&token);
    let base = format!("/api/v1/projects/{project}");
    refused(&versions(&api, &project, "KEY").await);
    refused(&super::trash(&api, &project, "dev").await);
    refused(&api.get(&format!("{base}/trash/{trashed}/versions")).await);
    let body = json!({ "environment": "dev", "path": "/", "version": 1 });
    refused(
        &api.post_json(&format!("{base}/secrets/KEY/restore"), body)
            .await,
    );
    refused(
        &api.post_json(&format!("{base}/trash/{trashed}/restore"), json!({}))
            .await,
    );
    let at = envkeep::time::rfc3339(envkeep::time::now_millis());
    let folder = json!({ "at": at, "path": "/" });
    refused(
        &api.post_json(&format!("{base}/environments/dev/restore"), folder)
            .await,
    );
    let still = api.get_secret(&project, "dev", "/", "KEY").await;
    assert_eq!(still["secret"]["value"], "v4", "{still}");
}

#[tokio::test]
async fn without_credentials_history_is_401() {
    let app = TestApp::spawn().await;
    let project = app.create_project("access").await;
    let answer = versions(&app.anonymous(), &project, "KEY").await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
}
