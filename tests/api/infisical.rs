use crate::legacy_helpers::*;
use envkeep::crypto::wire::{self, WireCiphertext};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Fixture {
    app: TestApp,
    project: String,
    /// Full token, one glob scope over dev, read and write.
    glob: String,
    /// Full token, one literal scope dev /app, read only.
    single: String,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let project = app.create_project("Compat").await;
    app.create_secret(&project, "dev", "/", "ROOT", "at root")
        .await;
    app.create_secret(&project, "dev", "/app", "DB_PASSWORD", "hunter2")
        .await;
    app.create_secret(&project, "dev", "/app", "EMPTY", "")
        .await;
    let (glob, _) = app
        .mint_scoped(&project, "glob", "dev", "/**", &["read", "write"])
        .await;
    let (single, _) = app
        .mint_scoped(&project, "single", "dev", "/app", &["read"])
        .await;
    Fixture {
        app,
        project,
        glob,
        single,
    }
}

fn wire(ciphertext: &Value, iv: &Value, tag: &Value) -> WireCiphertext {
    WireCiphertext {
        ciphertext: ciphertext.as_str().unwrap().to_owned(),
        iv: iv.as_str().unwrap().to_owned(),
        tag: tag.as_str().unwrap().to_owned(),
    }
}

/// The project key, unwrapped with the token's key part, as a legacy client does.
async fn project_key(f: &Fixture, token: &str) -> String {
    let (status, details) = f
        .app
        .bearer(Method::GET, "/api/v2/service-token", &access_part(token))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{details}");
    let key_part = token.rsplit('.').next().unwrap();
    let plain = wire::decrypt(
        key_part,
        &wire(&details["encryptedKey"], &details["iv"], &details["tag"]),
    )
    .unwrap();
    String::from_utf8(plain).unwrap()
}

#[tokio::test]
async fn token_details_carry_both_id_spellings_and_the_wrapped_key_but_never_the_hash() {
    let f = fixture().await;
    let (status, json) = f
        .app
        .bearer(Method::GET, "/api/v2/service-token/", &access_part(&f.glob))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "trailing slash tolerated: {json}");
    assert_eq!(json["id"], json["_id"]);
    assert_eq!(json["projectId"], f.project.as_str());
    assert_eq!(json["workspace"], f.project.as_str());
    assert_eq!(json["__v"], 0);
    assert_eq!(
        json["scopes"],
        json!([{ "environment": "dev", "secretPath": "/**" }])
    );
    assert_eq!(json["user"]["email"], ADMIN_EMAIL);
    for field in [
        "id",
        "name",
        "permissions",
        "lastUsed",
        "expiresAt",
        "encryptedKey",
        "iv",
        "tag",
        "createdAt",
        "updatedAt",
        "createdBy",
    ] {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert!(!json.to_string().to_lowercase().contains("hash"));
    let key = project_key(&f, &f.glob).await;
    assert_eq!(key.len(), 32);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
    let admin = f
        .app
        .admin(Method::GET, "/api/v2/service-token")
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin.status(),
        StatusCode::FORBIDDEN,
        "only a service token reads token details"
    );
}

#[tokio::test]
async fn the_encrypted_shape_decrypts_with_the_unwrapped_project_key_and_keeps_its_etag() {
    let f = fixture().await;
    let key = project_key(&f, &f.glob).await;
    let url = format!(
        "/api/v3/secrets?workspaceId={}&environment=dev&secretPath=%2Fapp&include_imports=true",
        f.project
    );
    let first = f
        .app
        .bearer(Method::GET, &url, &access_part(&f.glob))
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let (status, json) = body(first).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["imports"], json!([]));
    let mut seen: Vec<(String, String)> = json["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["type"], "shared");
            assert_eq!(s["workspace"], f.project.as_str());
            let name = wire::decrypt(
                &key,
                &wire(
                    &s["secretKeyCiphertext"],
                    &s["secretKeyIV"],
                    &s["secretKeyTag"],
                ),
            )
            .unwrap();
            let value = wire::decrypt(
                &key,
                &wire(
                    &s["secretValueCiphertext"],
                    &s["secretValueIV"],
                    &s["secretValueTag"],
                ),
            )
            .unwrap();
            (
                String::from_utf8(name).unwrap(),
                String::from_utf8(value).unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("DB_PASSWORD".into(), "hunter2".into()),
            ("EMPTY".into(), String::new())
        ]
    );

    let second = f
        .app
        .bearer(Method::GET, &url, &access_part(&f.glob))
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.headers()["etag"].to_str().unwrap(),
        etag,
        "same selection, same ETag, though IVs are fresh"
    );
    let cached = f
        .app
        .bearer(Method::GET, &url, &access_part(&f.glob))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let (status, _) = f
        .app
        .admin(
            Method::PATCH,
            &format!(
                "/api/v1/projects/{}/secrets/EMPTY?environment=dev&path=/app",
                f.project
            ),
        )
        .json(&json!({ "value": "now set" }))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "the update itself");
    let changed = f
        .app
        .bearer(Method::GET, &url, &access_part(&f.glob))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "an update changes the ETag"
    );
}

#[tokio::test]
async fn a_personal_lookup_from_a_token_answers_the_shared_secret() {
    let f = fixture().await;
    let key = project_key(&f, &f.glob).await;
    let url = format!(
        "/api/v3/secrets/DB_PASSWORD?workspaceId={}&environment=dev&secretPath=/app&type=personal",
        f.project
    );
    let (status, json) = f
        .app
        .bearer(Method::GET, &url, &access_part(&f.glob))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let s = &json["secret"];
    let value = wire::decrypt(
        &key,
        &wire(
            &s["secretValueCiphertext"],
            &s["secretValueIV"],
            &s["secretValueTag"],
        ),
    )
    .unwrap();
    assert_eq!(value, b"hunter2");
}

#[tokio::test]
async fn encrypted_writes_are_stored_in_envkeeps_own_format() {
    let f = fixture().await;
    let key = project_key(&f, &f.glob).await;
    let name = wire::encrypt(&key, b"NEW_KEY").unwrap();
    let value = wire::encrypt(&key, "multi\nline ✓".as_bytes()).unwrap();
    let request = json!({
        "workspaceId": f.project, "environment": "dev", "type": "shared", "secretPath": "/new",
        "secretKeyCiphertext": name.ciphertext, "secretKeyIV": name.iv, "secretKeyTag": name.tag,
        "secretValueCiphertext": value.ciphertext, "secretValueIV": value.iv, "secretValueTag": value.tag,
    });
    let (status, json) = f
        .app
        .bearer(
            Method::POST,
            "/api/v3/secrets/NEW_KEY",
            &access_part(&f.glob),
        )
        .json(&request)
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let (_, native) = f
        .app
        .admin(
            Method::GET,
            &format!(
                "/api/v1/projects/{}/secrets/NEW_KEY?environment=dev&path=/new",
                f.project
            ),
        )
        .answer()
        .await;
    assert_eq!(native["secret"]["value"], "multi\nline ✓");
    let wrong = wire::encrypt(&"0".repeat(32), b"x").unwrap();
    let request = json!({
        "workspaceId": f.project, "environment": "dev", "secretPath": "/new",
        "secretValueCiphertext": wrong.ciphertext, "secretValueIV": wrong.iv, "secretValueTag": wrong.tag,
    });
    let (status, json) = f
        .app
        .bearer(
            Method::PATCH,
            "/api/v3/secrets/NEW_KEY",
            &access_part(&f.glob),
        )
        .json(&request)
        .answer()
        .await;
    assert_error(status, &json, StatusCode::BAD_REQUEST, "BadRequest");
    let delete = json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/new", "type": "shared" });
    let (status, json) = f
        .app
        .bearer(
            Method::DELETE,
            "/api/v3/secrets/NEW_KEY",
            &access_part(&f.glob),
        )
        .json(&delete)
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK);
    let s = &json["secret"];
    let deleted = wire::decrypt(
        &key,
        &wire(
            &s["secretValueCiphertext"],
            &s["secretValueIV"],
            &s["secretValueTag"],
        ),
    )
    .unwrap();
    assert_eq!(
        deleted,
        "multi\nline ✓".as_bytes(),
        "the answer carries the deleted secret"
    );
}

#[tokio::test]
async fn raw_reads_follow_a_single_literal_scope_and_need_ids_otherwise() {
    let f = fixture().await;
    let (status, json) = f
        .app
        .bearer(
            Method::GET,
            "/api/v3/secrets/raw?environment=prod&secretPath=/elsewhere&workspaceId=x",
            &f.single,
        )
        .answer()
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a single literal scope overrides what the client sent: {json}"
    );
    let keys: Vec<&str> = json["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["secretKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["DB_PASSWORD", "EMPTY"]);
    let s = &json["secrets"][0];
    for field in [
        "id",
        "_id",
        "workspace",
        "environment",
        "version",
        "type",
        "secretKey",
        "secretValue",
        "secretComment",
        "secretPath",
        "createdAt",
        "updatedAt",
        "secretValueHidden",
        "tags",
        "secretMetadata",
    ] {
        assert!(s.get(field).is_some(), "missing {field}");
    }
    assert_eq!(json["imports"], json!([]));

    let (status, json) = f
        .app
        .bearer(Method::GET, "/api/v3/secrets/raw", &f.glob)
        .answer()
        .await;
    assert_error(status, &json, StatusCode::BAD_REQUEST, "BadRequest");
    assert_eq!(json["message"], "Missing workspace id or environment");
    let (status, json) = f
        .app
        .bearer(Method::GET, "/api/v4/secrets", &f.glob)
        .answer()
        .await;
    assert_eq!(
        (status, json["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("Missing project id or environment")
        )
    );

    let url = format!("/api/v4/secrets?projectId={}&environment=dev&secretPath=/&recursive=true&includeImports=true&expandSecretReferences=true&unknownParam=1", f.project);
    let (status, json) = f.app.bearer(Method::GET, &url, &f.glob).answer().await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        json["secrets"].as_array().unwrap().len(),
        3,
        "recursive from the root"
    );
    let url = format!(
        "/api/v4/secrets/ROOT?projectId={}&environment=dev&viewSecretValue=false",
        f.project
    );
    let (_, json) = f.app.bearer(Method::GET, &url, &f.glob).answer().await;
    assert_eq!(json["secret"]["secretValueHidden"], true);
    assert_ne!(json["secret"]["secretValue"], "at root");
}

#[tokio::test]
async fn raw_writes_store_values_verbatim_and_answer_with_the_secret() {
    let f = fixture().await;
    let body_for = |value: &str| json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/created/here", "secretValue": value, "secretComment": "c", "type": "shared" });
    let (status, json) = f
        .app
        .bearer(Method::POST, "/api/v3/secrets/raw/SPACED", &f.glob)
        .json(&body_for("  padded \n\n"))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        json["secret"]["secretValue"], "  padded \n\n",
        "no trimming"
    );
    assert_eq!(
        json["secret"]["secretPath"], "/created/here",
        "missing folders are created"
    );
    let (status, json) = f
        .app
        .bearer(Method::PATCH, "/api/v3/secrets/raw/SPACED", &f.glob)
        .json(&body_for("v2"))
        .answer()
        .await;
    assert_eq!(
        (status, json["secret"]["version"].as_i64()),
        (StatusCode::OK, Some(2))
    );
    let (status, json) = f
        .app
        .bearer(Method::DELETE, "/api/v3/secrets/raw/SPACED", &f.glob)
        .json(&body_for(""))
        .answer()
        .await;
    assert_eq!(
        (status, json["secret"]["secretValue"].as_str()),
        (StatusCode::OK, Some("v2"))
    );
    let (status, json) = f.app.bearer(Method::POST, "/api/v3/secrets/raw/NOPE", &f.single).json(&json!({ "workspaceId": f.project, "environment": "dev", "secretPath": "/app", "secretValue": "x" })).answer().await;
    assert_error(status, &json, StatusCode::FORBIDDEN, "PermissionDenied");
    let (status, json) = f.app.bearer(Method::POST, "/api/v3/secrets/raw/PERSONAL", &f.glob).json(&json!({ "workspaceId": f.project, "environment": "dev", "secretValue": "x", "type": "personal" })).answer().await;
    assert_error(status, &json, StatusCode::BAD_REQUEST, "BadRequest");
}

#[tokio::test]
async fn infisical_token_management_creates_lists_and_deletes() {
    let f = fixture().await;
    let request = json!({
        "name": "from-cli", "workspaceId": f.project, "scopes": [{ "environment": "dev", "secretPath": "/app/" }],
        "encryptedKey": "", "iv": "", "tag": "", "expiresIn": 0, "permissions": ["read"], "randomBytes": "ignored",
    });
    let (status, json) = f
        .app
        .admin(Method::POST, "/api/v2/service-token")
        .json(&request)
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let token = json["serviceToken"].as_str().unwrap().to_owned();
    assert_eq!(
        token.split('.').count(),
        3,
        "the client appends its own key part"
    );
    assert_eq!(
        json["serviceTokenData"]["expiresAt"],
        Value::Null,
        "expiresIn 0 means never here"
    );
    assert!(json["serviceTokenData"].get("encryptedKey").is_none());
    let id = json["serviceTokenData"]["id"].as_str().unwrap().to_owned();
    let url = format!(
        "/api/v3/secrets/raw?workspaceId={}&environment=dev&secretPath=/app",
        f.project
    );
    let with_key = format!("{token}.{}", "c".repeat(32));
    assert_eq!(
        f.app
            .bearer(Method::GET, &url, &with_key)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let (_, list) = f
        .app
        .admin(
            Method::GET,
            &format!("/api/v1/workspace/{}/service-token-data", f.project),
        )
        .answer()
        .await;
    assert_eq!(list["serviceTokenData"].as_array().unwrap().len(), 3);
    let (status, _) = f
        .app
        .admin(Method::DELETE, &format!("/api/v2/service-token/{id}"))
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        f.app
            .bearer(Method::GET, &url, &with_key)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let invalid = json!({ "name": "x", "workspaceId": f.project, "scopes": [{ "environment": "dev", "secretPath": "/[a]" }], "expiresIn": 0, "permissions": ["read"] });
    let (status, json) = f
        .app
        .admin(Method::POST, "/api/v2/service-token")
        .json(&invalid)
        .answer()
        .await;
    assert_error(
        status,
        &json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ValidationFailure",
    );
    let (status, _) = f
        .app
        .bearer(Method::POST, "/api/v2/service-token", &access_part(&f.glob))
        .json(&request)
        .answer()
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a token cannot create tokens here either"
    );
}

#[tokio::test]
async fn folders_list_the_children_in_scope() {
    let f = fixture().await;
    let url = format!(
        "/api/v1/folders?workspaceId={}&environment=dev&path=/",
        f.project
    );
    let (status, json) = f.app.bearer(Method::GET, &url, &f.glob).answer().await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["folders"][0]["name"], "app");
    let (status, json) = f.app.bearer(Method::GET, &url, &f.single).answer().await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        json["folders"].as_array().unwrap().len(),
        1,
        "only the folder leading into the scope"
    );
    let outside = format!(
        "/api/v1/folders?workspaceId={}&environment=staging&path=/",
        f.project
    );
    let (status, _) = f
        .app
        .bearer(Method::GET, &outside, &f.single)
        .answer()
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no scope in staging");
}

#[tokio::test]
async fn an_encrypted_write_into_another_project_is_refused_before_its_body_is_opened() {
    let f = fixture().await;
    let other = f.app.create_project("Other").await;
    let key = project_key(&f, &f.glob).await;
    let value = wire::encrypt(&key, b"smuggled").unwrap();
    let request = json!({
        "workspaceId": other, "environment": "dev", "type": "shared", "secretPath": "/",
        "secretValueCiphertext": value.ciphertext, "secretValueIV": value.iv, "secretValueTag": value.tag,
    });
    for method in [Method::POST, Method::PATCH] {
        let (status, json) = f
            .app
            .bearer(method.clone(), "/api/v3/secrets/X", &access_part(&f.glob))
            .json(&request)
            .answer()
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{method}: the token's project check comes before decrypting: {json}"
        );
    }
}

#[tokio::test]
async fn a_single_scope_that_cannot_name_a_folder_is_a_refusal_not_a_500() {
    let f = fixture().await;
    // Globs allow a dot; folder names do not, so this scope points at no folder.
    let (dotted, _) = f
        .app
        .mint_scoped(&f.project, "dotted", "dev", "/app/.hidden", &["read"])
        .await;
    let raw = format!(
        "/api/v3/secrets/raw?workspaceId={}&environment=dev&secretPath=/app",
        f.project
    );
    let (status, json) = f.app.bearer(Method::GET, &raw, &dotted).answer().await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{json}");
    let (status, json) = f
        .app
        .bearer(Method::GET, "/api/v3/secrets/raw", &dotted)
        .answer()
        .await;
    assert!(status.is_client_error(), "{status} {json}");
}
