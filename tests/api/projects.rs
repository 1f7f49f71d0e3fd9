use crate::legacy_helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn a_new_project_gets_three_environments_and_round_trips() {
    let app = spawn_app().await;
    let (status, json) = app
        .admin(Method::POST, "/api/v1/projects")
        .json(&json!({ "name": "  Billing API " }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let project = &json["project"];
    assert_eq!(project["name"], "Billing API");
    assert_eq!(project["slug"], "billing-api");
    let id = project["id"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    let slugs: Vec<&str> = project["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["dev", "staging", "prod"]);
    assert!(project["createdAt"].as_str().unwrap().ends_with('Z'));

    let (status, json) = app
        .admin(Method::GET, &format!("/api/v1/projects/{id}"))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["project"]["id"], id);
    let (_, list) = app.admin(Method::GET, "/api/v1/projects").answer().await;
    assert_eq!(list["projects"].as_array().unwrap().len(), 1);

    let second = app.create_project("Billing API").await;
    let (_, json) = app
        .admin(Method::GET, &format!("/api/v1/projects/{second}"))
        .answer()
        .await;
    assert_ne!(json["project"]["slug"], "billing-api", "slugs stay unique");

    assert_eq!(
        app.admin(Method::DELETE, &format!("/api/v1/projects/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let (status, json) = app
        .admin(Method::GET, &format!("/api/v1/projects/{id}"))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::NOT_FOUND, "NotFound");
    let leftovers: i64 = app
        .sqlite()
        .query_row(
            "SELECT count(*) FROM environments WHERE project_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0, "deleting a project removes its environments");
}

#[tokio::test]
async fn environments_can_be_added_renamed_and_deleted() {
    let app = spawn_app().await;
    let project = app.create_project("Envs").await;
    let base = format!("/api/v1/projects/{project}/environments");
    let (status, json) = app
        .admin(Method::POST, &base)
        .json(&json!({ "name": "QA", "slug": "qa" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["environment"]["position"], 3);
    let (status, json) = app
        .admin(Method::POST, &base)
        .json(&json!({ "name": "QA again", "slug": "qa" }))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::CONFLICT, "Conflict");
    let (status, json) = app
        .admin(Method::PATCH, &format!("{base}/qa"))
        .json(&json!({ "name": "Quality" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["environment"]["name"], "Quality");
    assert_eq!(json["environment"]["slug"], "qa", "slugs are immutable");
    app.create_secret(&project, "qa", "/", "K", "v").await;
    assert_eq!(
        app.admin(Method::DELETE, &format!("{base}/qa"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let (_, json) = app.admin(Method::GET, &base).answer().await;
    assert_eq!(json["environments"].as_array().unwrap().len(), 3);
    let secrets: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM secrets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(secrets, 0, "an environment's secrets go with it");
}

#[tokio::test]
async fn an_environment_named_by_a_live_token_cannot_be_deleted() {
    let app = spawn_app().await;
    let project = app.create_project("Guarded").await;
    let (_, token_id) = app
        .mint_scoped(&project, "ci", "staging", "/", &["read"])
        .await;
    let path = format!("/api/v1/projects/{project}/environments/staging");
    let (status, json) = app.admin(Method::DELETE, &path).answer().await;
    assert_error(status, &json, StatusCode::CONFLICT, "Conflict");
    app.admin(
        Method::DELETE,
        &format!("/api/v1/projects/{project}/service-tokens/{token_id}"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        app.admin(Method::DELETE, &path)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn folders_list_create_and_refuse_to_delete_when_not_empty() {
    let app = spawn_app().await;
    let project = app.create_project("Folders").await;
    let base = format!("/api/v1/projects/{project}/folders");
    let (status, json) = app
        .admin(Method::POST, &base)
        .json(&json!({ "environment": "dev", "path": "/", "name": "app" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["folder"]["path"], "/app");
    let (status, json) = app
        .admin(Method::POST, &base)
        .json(&json!({ "environment": "dev", "path": "/", "name": "app" }))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::CONFLICT, "Conflict");
    let (status, json) = app
        .admin(Method::POST, &base)
        .json(&json!({ "environment": "dev", "path": "/missing", "name": "x" }))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::NOT_FOUND, "NotFound");
    app.create_secret(&project, "dev", "/app/db", "URL", "postgres://")
        .await;

    let (_, json) = app
        .admin(Method::GET, &format!("{base}?environment=dev&path=/"))
        .answer()
        .await;
    let names: Vec<&str> = json["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app"], "direct children only");
    let (_, json) = app
        .admin(
            Method::GET,
            &format!("{base}?environment=dev&path=/&recursive=true"),
        )
        .answer()
        .await;
    let paths: Vec<&str> = json["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/app", "/app/db"]);

    let (status, json) = app
        .admin(Method::DELETE, &format!("{base}?environment=dev&path=/app"))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::CONFLICT, "Conflict");
    let status = app
        .admin(
            Method::DELETE,
            &format!("{base}?environment=dev&path=/app&recursive=true"),
        )
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    let remaining: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM secrets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(remaining, 0);
}

#[tokio::test]
async fn every_state_change_is_audited_without_values() {
    let app = spawn_app().await;
    let project = app.create_project("Audited").await;
    app.create_secret(&project, "dev", "/", "API_KEY", "audit-must-not-see-this")
        .await;
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare("SELECT action, detail FROM audit_events WHERE project_id = ?1 ORDER BY id")
        .unwrap();
    let rows: Vec<(String, String)> = stmt
        .query_map([&project], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let actions: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["project.create", "secret.create"]);
    assert!(rows
        .iter()
        .all(|(_, d)| !d.contains("audit-must-not-see-this")));
    let detail: Value = serde_json::from_str(&rows[1].1).unwrap();
    assert_eq!(detail["key"], "API_KEY");
}
