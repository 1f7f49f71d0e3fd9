use crate::legacy_helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn seeded() -> (TestApp, String) {
    let app = spawn_app().await;
    let project = app.create_project("Scopes").await;
    for (env, path, key) in [
        ("dev", "/", "ROOT_KEY"),
        ("dev", "/app", "APP_KEY"),
        ("dev", "/app/db", "DB_KEY"),
        ("dev", "/apple", "SIBLING_KEY"),
        ("dev", "/other", "OTHER_KEY"),
        ("staging", "/app", "STAGING_KEY"),
    ] {
        app.create_secret(&project, env, path, key, &format!("{env}{path}"))
            .await;
    }
    (app, project)
}

fn list_url(project: &str, env: &str, path: &str) -> String {
    format!("/api/v1/projects/{project}/secrets?environment={env}&path={path}")
}

fn keys(json: &Value) -> Vec<String> {
    json["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_token_reads_inside_its_scope_and_nowhere_else() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app/**", &["read"])
        .await;
    for path in ["/app", "/app/db"] {
        let (status, json) = app
            .bearer(Method::GET, &list_url(&project, "dev", path), &token)
            .answer()
            .await;
        assert_eq!(status, StatusCode::OK, "{path}: {json}");
    }
    let (_, json) = app
        .bearer(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/DB_KEY?environment=dev&path=/app/db"),
            &token,
        )
        .answer()
        .await;
    assert_eq!(json["secret"]["value"], "dev/app/db");
    for (env, path, why) in [
        ("staging", "/app", "other environment"),
        ("dev", "/apple", "sibling path"),
        ("dev", "/", "parent path"),
        ("dev", "/other", "unrelated path"),
    ] {
        let (status, json) = app
            .bearer(Method::GET, &list_url(&project, env, path), &token)
            .answer()
            .await;
        assert_error(status, &json, StatusCode::FORBIDDEN, "PermissionDenied");
        assert!(
            json["message"].as_str().unwrap().contains("outside"),
            "{why}: {json}"
        );
    }
    let other = app.create_project("Other").await;
    let (status, json) = app
        .bearer(Method::GET, &list_url(&other, "dev", "/app"), &token)
        .answer()
        .await;
    assert_error(status, &json, StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn an_out_of_scope_probe_cannot_learn_whether_a_path_exists() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    for path in ["/other", "/does-not-exist"] {
        let (status, _) = app
            .bearer(Method::GET, &list_url(&project, "dev", path), &token)
            .answer()
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn recursive_listing_returns_only_in_scope_descendants() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint(&project, json!({ "name": "db", "scopes": [{ "environment": "dev", "secretPath": "/app/db" }, { "environment": "dev", "secretPath": "/other" }], "permissions": ["read"], "expiresIn": null }))
        .await;
    let (status, json) = app
        .bearer(
            Method::GET,
            &format!("{}&recursive=true", list_url(&project, "dev", "/")),
            &token,
        )
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(keys(&json), ["DB_KEY", "OTHER_KEY"]);
    let (status, json) = app
        .bearer(
            Method::GET,
            &format!("/api/v1/projects/{project}/folders?environment=dev&path=/"),
            &token,
        )
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = json["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["app", "other"],
        "only folders that lead into scope are listed"
    );
    let (status, _) = app
        .bearer(Method::GET, &list_url(&project, "dev", "/"), &token)
        .answer()
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a non-recursive list of an out-of-scope folder is refused"
    );
    let (status, _) = app
        .bearer(
            Method::GET,
            &format!("{}&recursive=true", list_url(&project, "staging", "/")),
            &token,
        )
        .answer()
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no scope in staging at all");
}

#[tokio::test]
async fn a_read_only_token_cannot_write() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "ro", "dev", "/**", &["read"])
        .await;
    let secrets = format!("/api/v1/projects/{project}/secrets");
    let attempts = [
        app.bearer(Method::POST, &secrets, &token)
            .json(&json!({ "environment": "dev", "path": "/app", "key": "NEW", "value": "x" })),
        app.bearer(
            Method::PATCH,
            &format!("{secrets}/APP_KEY?environment=dev&path=/app"),
            &token,
        )
        .json(&json!({ "value": "x" })),
        app.bearer(
            Method::DELETE,
            &format!("{secrets}/APP_KEY?environment=dev&path=/app"),
            &token,
        ),
        app.bearer(
            Method::POST,
            &format!("/api/v1/projects/{project}/folders"),
            &token,
        )
        .json(&json!({ "environment": "dev", "path": "/", "name": "new" })),
    ];
    for attempt in attempts {
        let (status, json) = attempt.answer().await;
        assert_error(status, &json, StatusCode::FORBIDDEN, "PermissionDenied");
    }
    let (_, json) = app
        .admin(
            Method::GET,
            &format!("{secrets}/APP_KEY?environment=dev&path=/app"),
        )
        .answer()
        .await;
    assert_eq!(json["secret"]["version"], 1, "nothing changed");
}

#[tokio::test]
async fn a_write_token_changes_secrets_and_folders_only_inside_its_scope() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/app/**", &["read", "write"])
        .await;
    let secrets = format!("/api/v1/projects/{project}/secrets");
    let folders = format!("/api/v1/projects/{project}/folders");
    let send = |method: Method, path: String, request: Value| {
        app.bearer(method, &path, &token).json(&request).send()
    };

    let created = send(
        Method::POST,
        secrets.clone(),
        json!({ "environment": "dev", "path": "/app/new", "key": "N", "value": "1" }),
    )
    .await
    .unwrap();
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "create inside scope (missing folder created)"
    );
    let updated = send(
        Method::PATCH,
        format!("{secrets}/N?environment=dev&path=/app/new"),
        json!({ "value": "2" }),
    )
    .await
    .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    let deleted = send(
        Method::DELETE,
        format!("{secrets}/N?environment=dev&path=/app/new"),
        Value::Null,
    )
    .await
    .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let folder = send(
        Method::POST,
        folders.clone(),
        json!({ "environment": "dev", "path": "/app", "name": "cache" }),
    )
    .await
    .unwrap();
    assert_eq!(
        folder.status(),
        StatusCode::CREATED,
        "a new folder is checked by its own path"
    );

    for (method, path, request) in [
        (
            Method::POST,
            secrets.clone(),
            json!({ "environment": "dev", "path": "/other", "key": "N", "value": "1" }),
        ),
        (
            Method::POST,
            secrets.clone(),
            json!({ "environment": "staging", "path": "/app", "key": "N", "value": "1" }),
        ),
        (
            Method::PATCH,
            format!("{secrets}/ROOT_KEY?environment=dev&path=/"),
            json!({ "value": "x" }),
        ),
        (
            Method::DELETE,
            format!("{secrets}/SIBLING_KEY?environment=dev&path=/apple"),
            Value::Null,
        ),
        (
            Method::POST,
            folders.clone(),
            json!({ "environment": "dev", "path": "/", "name": "top" }),
        ),
        (
            Method::DELETE,
            format!("{folders}?environment=dev&path=/other&recursive=true"),
            Value::Null,
        ),
    ] {
        let (status, json) = body(send(method, path, request).await.unwrap()).await;
        assert_error(status, &json, StatusCode::FORBIDDEN, "PermissionDenied");
    }
    let untouched: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM secrets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(untouched, 6);
}

#[tokio::test]
async fn a_recursive_folder_delete_needs_every_descendant_in_scope() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "shallow", "dev", "/app", &["read", "write"])
        .await;
    let folders =
        format!("/api/v1/projects/{project}/folders?environment=dev&path=/app&recursive=true");
    let (status, json) = app.bearer(Method::DELETE, &folders, &token).answer().await;
    assert_error(status, &json, StatusCode::FORBIDDEN, "PermissionDenied");
    let still: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM secrets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(still, 6, "nothing half-deleted");
    let (deep, _) = app
        .mint_scoped(&project, "deep", "dev", "/app/**", &["read", "write"])
        .await;
    assert_eq!(
        app.bearer(Method::DELETE, &folders, &deep)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_write_only_token_cannot_read() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "wo", "dev", "/app", &["write"])
        .await;
    let (status, json) = app
        .bearer(Method::GET, &list_url(&project, "dev", "/app"), &token)
        .answer()
        .await;
    assert_error(status, &json, StatusCode::FORBIDDEN, "PermissionDenied");
}

#[tokio::test]
async fn denied_token_uses_are_audited() {
    let (app, project) = seeded().await;
    let (token, id) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    let denied = app
        .bearer(Method::GET, &list_url(&project, "dev", "/other"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let wrong = format!("st.{id}.{}", "0".repeat(32));
    let refused = app
        .bearer(Method::GET, &list_url(&project, "dev", "/app"), &wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    // The audit rows are written off the request path; wait for them, bounded.
    eventually("both denials audited", || {
        denial_reasons(&app, &id).len() == 2
    })
    .await;
    let reasons = denial_reasons(&app, &id);
    assert!(
        reasons.contains(&"out_of_scope".to_owned())
            && reasons.contains(&"wrong_secret".to_owned()),
        "{reasons:?}"
    );
}

/// The `reason` of each audited denial of token `id`, oldest first.
fn denial_reasons(app: &TestApp, id: &str) -> Vec<String> {
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare("SELECT json_extract(detail, '$.reason') FROM audit_events WHERE action = 'service_token.denied' AND actor_id = ?1 ORDER BY id")
        .unwrap();
    let reasons = stmt
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    reasons
}
