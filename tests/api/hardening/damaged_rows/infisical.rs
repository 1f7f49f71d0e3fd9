//! Infisical's listings leave a damaged secret out (their shape has no place to say so) and the
//! server logs it; its writes replace or delete a damaged secret like the native ones.

use super::{damaged, flip_one_byte, VALUE_A};
use crate::helpers::{access_part, BinaryServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn listing(route: &str, project: &str) -> String {
    format!("{route}?workspaceId={project}&environment=dev&secretPath=%2F")
}

#[tokio::test]
async fn infisical_listings_leave_out_a_damaged_secret_and_log_its_key() {
    let mut server = BinaryServer::start();
    let login = server.api().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = server.api().with_bearer(login["token"].as_str().unwrap());
    let created = admin.create_project("damaged").await;
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    for (key, value) in [("A", VALUE_A), ("B", "bravo")] {
        let made = admin.create_secret(&project, "dev", "/", key, value).await;
        assert_eq!(made.status, StatusCode::CREATED, "{made}");
    }
    let minted = admin
        .mint(&project, json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/**" }], "permissions": ["read"], "expiresIn": null }))
        .await;
    let token = access_part(minted["token"].as_str().unwrap());
    flip_one_byte(&server.sqlite(), "A", "value_ct");
    let reader = server.api().with_bearer(&token);
    for route in ["/api/v3/secrets/raw", "/api/v3/secrets"] {
        let listed = reader.get(&listing(route, &project)).await;
        assert_eq!(listed.status, StatusCode::OK, "{route}: {listed}");
        assert_eq!(listed["secrets"].as_array().unwrap().len(), 1, "{listed}");
        assert!(listed.json.get("unreadable").is_none(), "{listed}");
        assert!(!listed.text.contains(VALUE_A));
    }
    assert_eq!(
        reader.get(&listing("/api/v3/secrets/raw", &project)).await["secrets"][0]["secretKey"],
        "B"
    );
    let warned =
        server.wait_for(|line: &Value| line["level"] == "WARN" && line["fields"]["key"] == "A");
    assert_eq!(warned["fields"]["project_id"], project.as_str(), "{warned}");
    let log = server.stop().join("\n");
    assert!(!log.contains(VALUE_A), "the log holds the value");
}

#[tokio::test]
async fn infisical_writes_replace_and_delete_a_damaged_secret() {
    let (app, project) = damaged().await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let writer = app.as_token(&token);
    let body = |value: Option<&str>| {
        let mut body = json!({ "workspaceId": project, "environment": "dev", "secretPath": "/" });
        if let Some(value) = value {
            body["secretValue"] = json!(value);
        }
        body
    };
    let updated = writer
        .send_json(Method::PATCH, "/api/v3/secrets/raw/A", body(Some("fresh")))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");
    assert_eq!(updated["secret"]["secretValue"], "fresh");
    crate::hardening::damaged_rows::flip_one_byte(&app.sqlite(), "A", "value_ct");
    app.state.store.notice_outside_changes_blocking();
    let deleted = writer
        .send_json(Method::DELETE, "/api/v3/secrets/raw/A", body(None))
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["secret"]["secretKey"], "A");
    assert!(!deleted.text.contains("fresh"), "{deleted}");
    let encrypted = writer
        .send_json(
            Method::DELETE,
            "/api/v3/secrets/C",
            json!({ "workspaceId": project, "environment": "dev", "secretPath": "/app" }),
        )
        .await;
    assert_eq!(encrypted.status, StatusCode::OK, "{encrypted}");
    assert_eq!(app.count_rows("secrets"), 2, "B and D are left");
}
