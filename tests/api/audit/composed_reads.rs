//! A person's answers that expand references or include imports are recorded like plain reads
//! (`folder.exported`, `secret.revealed`), naming in `alsoRead` the other folders whose values
//! they hold; a machine's are not.

use super::reads::events;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

/// dev:/ holds REF=${prod.api.TOKEN} and imports prod:/ (TWO=2); prod:/api holds TOKEN=t.
async fn project(app: &TestApp) -> String {
    let project = app.create_project("composed").await;
    app.create_secret(&project, "dev", "/", "REF", "${prod.api.TOKEN}")
        .await;
    app.create_secret(&project, "prod", "/api", "TOKEN", "t")
        .await;
    app.create_secret(&project, "prod", "/", "TWO", "2").await;
    let body = json!({ "environment": "dev", "path": "/", "importEnvironment": "prod", "importPath": "/" });
    let imported = app
        .as_admin()
        .post_json(&format!("/api/v1/projects/{project}/imports"), body)
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{imported}");
    project
}

#[tokio::test]
async fn an_admins_expanded_listing_is_recorded_as_folder_exported_naming_what_it_read() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let path = format!("/api/v1/projects/{project}/secrets?environment=dev&path=/&expand=true");
    let listed = app.as_admin().get(&path).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    let exported = events(&app, "folder.exported").await;
    assert_eq!(exported.len(), 1, "{exported:?}");
    assert_eq!(exported[0]["environment"], "dev");
    assert_eq!(
        exported[0]["detail"]["alsoRead"],
        json!([{ "environment": "prod", "path": "/api" }])
    );
    assert!(!exported[0].to_string().contains("\"t\""), "never a value");
}

#[tokio::test]
async fn an_admins_listing_with_imports_on_the_raw_route_is_recorded() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let path = format!(
        "/api/v3/secrets/raw?workspaceId={project}&environment=dev&secretPath=/&include_imports=true"
    );
    let listed = app.as_admin().get(&path).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    let exported = events(&app, "folder.exported").await;
    assert_eq!(exported.len(), 1, "{exported:?}");
    assert_eq!(
        exported[0]["detail"]["alsoRead"],
        json!([{ "environment": "prod", "path": "/" }])
    );
}

#[tokio::test]
async fn an_admins_read_by_name_from_an_import_is_recorded_as_secret_revealed() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let path = format!(
        "/api/v1/projects/{project}/secrets/TWO?environment=dev&path=/&includeImports=true"
    );
    let got = app.as_admin().get(&path).await;
    assert_eq!(got.status, StatusCode::OK, "{got}");
    let revealed = events(&app, "secret.revealed").await;
    assert_eq!(revealed.len(), 1, "{revealed:?}");
    assert_eq!(revealed[0]["key"], "TWO");
    assert_eq!(
        revealed[0]["detail"]["alsoRead"],
        json!([{ "environment": "prod", "path": "/" }])
    );
}

#[tokio::test]
async fn a_tokens_expanded_reads_are_not_recorded() {
    let app = TestApp::spawn().await;
    let project = project(&app).await;
    let scopes = json!([{ "environment": "dev", "secretPath": "/**" },
        { "environment": "prod", "secretPath": "/**" }]);
    let body = json!({ "name": "r", "scopes": scopes, "permissions": ["read"], "expiresIn": null });
    let (token, _) = app.mint(&project, body).await;
    let path = format!(
        "/api/v3/secrets/raw?workspaceId={project}&environment=dev&secretPath=/&expandSecretReferences=true&include_imports=true"
    );
    assert_eq!(app.as_token(&token).get(&path).await.status, StatusCode::OK);
    assert!(events(&app, "folder.exported").await.is_empty());
}
