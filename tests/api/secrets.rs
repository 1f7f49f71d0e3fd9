use crate::legacy_helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn secrets_round_trip_with_versions_and_missing_folders_created() {
    let app = spawn_app().await;
    let project = app.create_project("Secrets").await;
    let base = format!("/api/v1/projects/{project}/secrets");
    let (status, json) = app.admin(Method::POST, &base)
            .json(&json!({ "environment": "dev", "path": "/app/db", "key": "DB_URL", "value": "postgres://u:p@h/db", "comment": "primary", "unknownField": 1 })).answer().await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["secret"]["version"], 1);
    assert_eq!(json["secret"]["path"], "/app/db");

    let item = format!("{base}/DB_URL?environment=dev&path=/app/db");
    let response = app.admin(Method::GET, &item).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (_, json) = body(response).await;
    assert_eq!(json["secret"]["value"], "postgres://u:p@h/db");
    assert_eq!(json["secret"]["comment"], "primary");

    let (status, json) = app
        .admin(Method::PATCH, &item)
        .json(&json!({ "value": "postgres://new" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["secret"]["version"], 2);
    assert_eq!(
        json["secret"]["comment"], "primary",
        "an omitted comment is kept"
    );
    let (_, json) = app
        .admin(Method::GET, &format!("{base}?environment=dev&path=/app/db"))
        .answer()
        .await;
    assert_eq!(json["secrets"][0]["value"], "postgres://new");
    assert_eq!(json["secrets"][0]["version"], 2);

    let (status, json) = app
        .admin(Method::POST, &base)
        .json(&json!({ "environment": "dev", "path": "/app/db", "key": "DB_URL", "value": "dup" }))
        .answer()
        .await;
    assert_error(status, &json, StatusCode::CONFLICT, "Conflict");

    assert_eq!(
        app.admin(Method::DELETE, &item)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let (status, json) = app.admin(Method::GET, &item).answer().await;
    assert_error(status, &json, StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn recursive_listing_returns_the_subtree_and_values_survive_exactly() {
    let app = spawn_app().await;
    let project = app.create_project("Tree").await;
    let multi = "line one\nline two\n\ttabbed \"quoted\" = sign";
    app.create_secret(&project, "dev", "/", "ROOT", "").await;
    app.create_secret(&project, "dev", "/app", "MULTI", multi)
        .await;
    app.create_secret(&project, "dev", "/app/db", "UNICODE", "héllo wörld ✓ 🔑")
        .await;
    let (_, json) = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets?environment=dev&path=/&recursive=true"),
        )
        .answer()
        .await;
    let got: Vec<(String, String)> = json["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                format!(
                    "{}:{}",
                    s["path"].as_str().unwrap(),
                    s["key"].as_str().unwrap()
                ),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("/:ROOT".to_owned(), String::new()),
            ("/app:MULTI".to_owned(), multi.to_owned()),
            ("/app/db:UNICODE".to_owned(), "héllo wörld ✓ 🔑".to_owned())
        ]
    );
}

#[tokio::test]
async fn secret_values_and_comments_never_reach_the_database_file_in_plaintext() {
    let app = spawn_app().await;
    let project = app.create_project("Plain").await;
    let value = "PLAINTEXT-CANARY-VALUE-7f3a9c";
    let comment = "PLAINTEXT-CANARY-COMMENT-51b2";
    let response = app
        .admin(Method::POST, &format!("/api/v1/projects/{project}/secrets"))
        .json(&json!({ "environment": "dev", "path": "/", "key": "CANARY", "value": value, "comment": comment }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut bytes = std::fs::read(app.db_path()).unwrap();
    bytes.extend(std::fs::read(app.data_dir.join("envkeep.db-wal")).unwrap_or_default());
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(
        haystack.contains("CANARY"),
        "the key is stored (as a lookup column) so the scan is meaningful"
    );
    assert!(!haystack.contains(value));
    assert!(!haystack.contains(comment));
}

#[tokio::test]
async fn a_64_kib_value_is_accepted_and_one_byte_more_is_refused() {
    let app = spawn_app().await;
    let project = app.create_project("Big").await;
    let post = |key: &str, value: String| {
        app.admin(Method::POST, &format!("/api/v1/projects/{project}/secrets"))
            .json(&json!({ "environment": "dev", "key": key, "value": value }))
            .send()
    };
    assert_eq!(
        post("BIG", "x".repeat(65_536)).await.unwrap().status(),
        StatusCode::CREATED
    );
    let (status, json) = body(post("BIGGER", "x".repeat(65_537)).await.unwrap()).await;
    assert_error(
        status,
        &json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ValidationFailure",
    );
    assert_eq!(json["details"][0]["field"], "value");
}

/// Each bad request gets its 4xx with a JSON error body and writes nothing.
#[tokio::test]
async fn bad_inputs_get_clear_4xx_errors_and_write_nothing() {
    let app = spawn_app().await;
    let project = app.create_project("Bad").await;
    let secrets = format!("/api/v1/projects/{project}/secrets");
    let folders = format!("/api/v1/projects/{project}/folders");
    let tokens = format!("/api/v1/projects/{project}/service-tokens");
    let count = |app: &TestApp| -> i64 {
        app.sqlite()
            .query_row("SELECT (SELECT count(*) FROM secrets) + (SELECT count(*) FROM folders) + (SELECT count(*) FROM service_tokens) + (SELECT count(*) FROM projects)", [], |r| r.get(0))
            .unwrap()
    };
    let before = count(&app);
    let raw = |method: Method, path: &str, text: &'static str| {
        app.admin(method, path)
            .header("Content-Type", "application/json")
            .body(text)
            .send()
    };
    let cases: Vec<(reqwest::Response, StatusCode, &str, &str)> = vec![
        (raw(Method::POST, &secrets, "{not json").await.unwrap(), StatusCode::BAD_REQUEST, "BadRequest", "malformed JSON"),
        (raw(Method::POST, "/api/v1/projects", r#"{"name": 5}"#).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "wrong type"),
        (raw(Method::POST, "/api/v1/projects", r#"{"name": ""}"#).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "empty name"),
        (app.admin(Method::POST, "/api/v1/projects").json(&json!({ "name": "x".repeat(101) })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "long name"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "dev", "path": "/a/../b", "key": "K", "value": "v" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "path traversal"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "dev", "path": "/a//b", "key": "K", "value": "v" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "empty segment"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "dev", "path": "/a\u{7}", "key": "K", "value": "v" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "control character"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "dev", "key": "BAD KEY", "value": "v" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "bad key"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "dev", "key": "K".repeat(257), "value": "v" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "long key"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "dev", "key": "K" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "missing value"),
        (app.admin(Method::POST, &secrets).json(&json!({ "environment": "nope", "key": "K", "value": "v" })).send().await.unwrap(), StatusCode::NOT_FOUND, "NotFound", "unknown environment in body"),
        (app.admin(Method::GET, &format!("{secrets}?environment=nope")).send().await.unwrap(), StatusCode::NOT_FOUND, "NotFound", "unknown environment in query"),
        (app.admin(Method::GET, &format!("{secrets}?environment=dev&path=/missing")).send().await.unwrap(), StatusCode::NOT_FOUND, "NotFound", "unknown path"),
        (app.admin(Method::GET, &secrets).send().await.unwrap(), StatusCode::BAD_REQUEST, "BadRequest", "missing environment"),
        (app.admin(Method::GET, &format!("/api/v1/projects/{}/secrets?environment=dev", "0".repeat(32))).send().await.unwrap(), StatusCode::NOT_FOUND, "NotFound", "unknown project"),
        (app.admin(Method::POST, &folders).json(&json!({ "environment": "dev", "name": "a/b" })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "folder name with slash"),
        (app.admin(Method::DELETE, &format!("{folders}?environment=dev&path=/")).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "deleting the root folder"),
        (app.admin(Method::POST, &tokens).json(&json!({ "name": "t", "scopes": [], "permissions": ["read"], "expiresIn": null })).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure", "no scopes"),
        (app.admin(Method::PUT, &secrets).json(&json!({})).send().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", "PUT on a collection"),
        (raw(Method::POST, &secrets, Box::leak(format!("{{\"environment\":\"dev\",\"key\":\"K\",\"value\":\"{}\"}}", "x".repeat(300 * 1024)).into_boxed_str())).await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge", "body over 256 KiB"),
    ];
    for (response, expected, name, what) in cases {
        let (status, json) = body(response).await;
        assert_eq!(status, expected, "{what}: {json}");
        assert_error(status, &json, expected, name);
    }
    assert_eq!(count(&app), before, "no bad request wrote a row");
    let (status, _): (StatusCode, Value) = app
        .admin(Method::GET, "/api/v1/nothing-here")
        .answer()
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
