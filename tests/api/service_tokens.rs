use crate::legacy_helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn read_dev_app() -> Value {
    json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/app/**" }], "permissions": ["read"], "expiresIn": 3600 })
}

#[tokio::test]
async fn minting_returns_the_full_token_once_and_lists_only_metadata() {
    let app = spawn_app().await;
    let project = app.create_project("Tokens").await;
    let (status, json) = app.admin(Method::POST, &format!("/api/v1/projects/{project}/service-tokens"))
            .json(&json!({ "name": "deploy", "scopes": [{ "environment": "dev", "secretPath": "app/**/" }], "permissions": ["read", "write"], "expiresIn": 86400, "allowedIps": ["203.0.113.0/24", "2001:db8::/32"] })).answer().await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let token = json["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0], "st");
    assert!(parts[1..]
        .iter()
        .all(|p| p.len() == 32 && p.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))));
    let view = &json["serviceToken"];
    assert_eq!(view["id"], parts[1]);
    assert_eq!(
        view["scopes"],
        json!([{ "environment": "dev", "secretPath": "/app/**" }]),
        "globs are normalised"
    );
    assert_eq!(view["permissions"], json!(["read", "write"]));
    assert_eq!(
        view["allowedIps"],
        json!(["203.0.113.0/24", "2001:db8::/32"])
    );
    assert_eq!(view["createdBy"], ADMIN_EMAIL);
    assert_eq!(view["lastUsedAt"], Value::Null);
    assert!(view["expiresAt"].as_str().unwrap().ends_with('Z'));

    let response = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(
        !text.contains(parts[2]) && !text.contains(parts[3]),
        "the list never shows the secret or key part"
    );
    assert!(!text.to_lowercase().contains("hash") && !text.contains("encryptedKey"));
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["serviceTokens"][0]["name"], "deploy");
    assert_eq!(list["serviceTokens"][0]["expired"], false);
}

#[tokio::test]
async fn the_database_never_holds_a_tokens_secret_or_key_part() {
    let app = spawn_app().await;
    let project = app.create_project("Stored").await;
    let (token, _) = app.mint(&project, read_dev_app()).await;
    let parts: Vec<&str> = token.split('.').collect();
    let mut bytes = std::fs::read(app.db_path()).unwrap();
    bytes.extend(std::fs::read(app.data_dir.join("envkeep.db-wal")).unwrap_or_default());
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(
        haystack.contains(parts[1]),
        "the id is stored, so the scan is meaningful"
    );
    assert!(
        !haystack.contains(parts[2]),
        "secret part found in the database file"
    );
    assert!(
        !haystack.contains(parts[3]),
        "key part found in the database file"
    );
}

#[tokio::test]
async fn invalid_mint_requests_are_422_with_a_message_per_field() {
    let app = spawn_app().await;
    let project = app.create_project("Validation").await;
    let mint = |body: Value| {
        app.admin(
            Method::POST,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .json(&body)
        .send()
    };
    let scope = json!([{ "environment": "dev", "secretPath": "/" }]);
    let cases = [
        (
            json!({ "name": "", "scopes": scope, "permissions": ["read"], "expiresIn": null }),
            "name",
            "",
        ),
        (
            json!({ "name": "x".repeat(101), "scopes": scope, "permissions": ["read"], "expiresIn": null }),
            "name",
            "100",
        ),
        (
            json!({ "name": "t", "permissions": ["read"], "expiresIn": null }),
            "scopes",
            "at least one",
        ),
        (
            json!({ "name": "t", "scopes": [{ "environment": "nope", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null }),
            "scopes[0].environment",
            "nope",
        ),
        (
            json!({ "name": "t", "scopes": [{ "environment": "dev", "secretPath": "/app/[ab]" }], "permissions": ["read"], "expiresIn": null }),
            "scopes[0].secretPath",
            "/app/[ab]",
        ),
        (
            json!({ "name": "t", "scopes": [{ "environment": "dev", "secretPath": "/!(x)" }], "permissions": ["read"], "expiresIn": null }),
            "scopes[0].secretPath",
            "/!(x)",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": [], "expiresIn": null }),
            "permissions",
            "read",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["admin"], "expiresIn": null }),
            "permissions",
            "admin",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"] }),
            "expiresIn",
            "required",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": 59 }),
            "expiresIn",
            "60",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": 0 }),
            "expiresIn",
            "60",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": 315360001 }),
            "expiresIn",
            "315360000",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": "60" }),
            "expiresIn",
            "seconds",
        ),
        (
            json!({ "name": "t", "scopes": scope, "permissions": ["read"], "expiresIn": null, "allowedIps": ["10.0.0.0/33"] }),
            "allowedIps",
            "10.0.0.0/33",
        ),
    ];
    for (request, field, mentions) in cases {
        let (status, json) = body(mint(request.clone()).await.unwrap()).await;
        assert_error(
            status,
            &json,
            StatusCode::UNPROCESSABLE_ENTITY,
            "ValidationFailure",
        );
        let detail = json["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["field"] == field);
        let detail = detail.unwrap_or_else(|| panic!("no detail for {field}: {json}"));
        assert!(
            detail["message"].as_str().unwrap().contains(mentions),
            "{field}: {json}"
        );
    }
    let tokens: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM service_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tokens, 0);
}

#[tokio::test]
async fn tokens_cannot_be_updated() {
    let app = spawn_app().await;
    let project = app.create_project("Immutable").await;
    let (_, id) = app.mint(&project, read_dev_app()).await;
    for (method, path) in [
        (
            Method::PUT,
            format!("/api/v1/projects/{project}/service-tokens/{id}"),
        ),
        (
            Method::PATCH,
            format!("/api/v1/projects/{project}/service-tokens/{id}"),
        ),
        (
            Method::PUT,
            format!("/api/v1/projects/{project}/service-tokens"),
        ),
        (
            Method::PATCH,
            format!("/api/v1/projects/{project}/service-tokens"),
        ),
    ] {
        let (status, json) = app
            .admin(method, &path)
            .json(&json!({ "name": "renamed" }))
            .answer()
            .await;
        assert_error(
            status,
            &json,
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
        );
    }
}

#[tokio::test]
async fn a_token_cannot_reach_management_routes() {
    let app = spawn_app().await;
    let project = app.create_project("Mgmt").await;
    let (token, id) = app
        .mint_scoped(&project, "w", "dev", "/**", &["read", "write"])
        .await;
    let access = access_part(&token);
    let attempts = [
        (
            Method::POST,
            format!("/api/v1/projects/{project}/service-tokens"),
            read_dev_app(),
        ),
        (
            Method::GET,
            format!("/api/v1/projects/{project}/service-tokens"),
            Value::Null,
        ),
        (
            Method::DELETE,
            format!("/api/v1/projects/{project}/service-tokens/{id}"),
            Value::Null,
        ),
        (Method::GET, "/api/v1/projects".to_owned(), Value::Null),
        (
            Method::POST,
            "/api/v1/projects".to_owned(),
            json!({ "name": "evil" }),
        ),
        (
            Method::DELETE,
            format!("/api/v1/projects/{project}"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{project}/environments"),
            json!({ "name": "x", "slug": "x" }),
        ),
    ];
    for (method, path, request) in attempts {
        let (status, json) = app
            .bearer(method.clone(), &path, &access)
            .json(&request)
            .answer()
            .await;
        assert_error(status, &json, StatusCode::FORBIDDEN, "ForbiddenError");
    }
    let tokens: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM service_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tokens, 1, "the token created nothing and deleted nothing");
}

#[tokio::test]
async fn the_token_introspection_route_tells_a_token_its_project_and_scopes() {
    let app = spawn_app().await;
    let project = app.create_project("Who").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let (status, json) = app
        .bearer(Method::GET, "/api/v1/auth/token", &token)
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let view = &json["serviceToken"];
    assert_eq!(view["id"], id);
    assert_eq!(view["projectId"], project);
    assert_eq!(view["scopes"][0]["secretPath"], "/app/**");
    assert_eq!(view["permissions"], json!(["read"]));
}

#[tokio::test]
async fn revocation_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let project = app.create_project("Revoke").await;
    app.create_secret(&project, "dev", "/app", "K", "v").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let read = format!("/api/v1/projects/{project}/secrets?environment=dev&path=/app");
    assert_eq!(
        app.bearer(Method::GET, &read, &token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let revoke = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/service-tokens/{id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let (status, json) = app.bearer(Method::GET, &read, &token).answer().await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let again = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/service-tokens/{id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_id_wrong_secret_revoked_and_malformed_tokens_look_the_same() {
    let app = spawn_app().await;
    let project = app.create_project("Probe").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let (revoked, revoked_id) = app.mint(&project, read_dev_app()).await;
    let revoke = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/service-tokens/{revoked_id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let read = format!("/api/v1/projects/{project}/secrets?environment=dev&path=/app");
    let wrong_secret = format!("st.{id}.{}", "0".repeat(32));
    let unknown_id = format!("st.{}.{}", "a".repeat(32), token.split('.').nth(2).unwrap());
    let mut bodies = Vec::new();
    for bad in [
        wrong_secret,
        unknown_id,
        revoked,
        "st.nothex.nothex".to_owned(),
        "st.".to_owned(),
    ] {
        let (status, json) = app.bearer(Method::GET, &read, &bad).answer().await;
        assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
        bodies.push(json);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
}

#[tokio::test]
async fn both_the_access_part_and_the_full_token_authenticate() {
    let app = spawn_app().await;
    let project = app.create_project("Parts").await;
    app.create_secret(&project, "dev", "/app", "K", "v").await;
    let (token, _) = app.mint(&project, read_dev_app()).await;
    let read = format!("/api/v1/projects/{project}/secrets?environment=dev&path=/app");
    for bearer in [
        access_part(&token),
        token.clone(),
        format!("{token}.extra.dots"),
    ] {
        assert_eq!(
            app.bearer(Method::GET, &read, &bearer)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "{bearer}"
        );
    }
}

#[tokio::test]
async fn allowed_ips_are_enforced_on_the_peer_address() {
    let app = spawn_app().await;
    let project = app.create_project("Ips").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let scope = json!([{ "environment": "dev", "secretPath": "/" }]);
    let (local, _) = app.mint(&project, json!({ "name": "local", "scopes": scope, "permissions": ["read"], "expiresIn": null, "allowedIps": ["127.0.0.1/32"] })).await;
    let (remote, _) = app.mint(&project, json!({ "name": "remote", "scopes": scope, "permissions": ["read"], "expiresIn": null, "allowedIps": ["203.0.113.0/24"] })).await;
    let read = format!("/api/v1/projects/{project}/secrets?environment=dev");
    assert_eq!(
        app.bearer(Method::GET, &read, &local)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let (status, json) = app.bearer(Method::GET, &read, &remote).answer().await;
    assert_error(status, &json, StatusCode::FORBIDDEN, "ForbiddenError");
    let spoofed = app
        .bearer(Method::GET, &read, &remote)
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(
        spoofed.status(),
        StatusCode::FORBIDDEN,
        "X-Forwarded-For is ignored from an untrusted peer"
    );
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    let app = spawn_app_with(&["--trusted-proxies", "127.0.0.1/32"]).await;
    let project = app.create_project("Proxy").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let (remote, _) = app
        .mint(&project, json!({ "name": "remote", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null, "allowedIps": ["203.0.113.0/24"] }))
        .await;
    let read = format!("/api/v1/projects/{project}/secrets?environment=dev");
    let via_proxy = app
        .bearer(Method::GET, &read, &remote)
        .header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(
        via_proxy.status(),
        StatusCode::OK,
        "the rightmost untrusted hop is the client"
    );
    let direct = app
        .bearer(Method::GET, &read, &remote)
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn last_use_shows_at_once_but_reads_do_not_write_to_the_database() {
    let app = spawn_app().await;
    let project = app.create_project("LastUsed").await;
    app.create_secret(&project, "dev", "/app", "K", "v").await;
    let (token, id) = app.mint(&project, read_dev_app()).await;
    let changes_before: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
        .unwrap();
    for _ in 0..5 {
        let read = format!("/api/v1/projects/{project}/secrets?environment=dev&path=/app");
        assert_eq!(
            app.bearer(Method::GET, &read, &token)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    }
    let stored: Option<i64> = app
        .sqlite()
        .query_row(
            "SELECT last_used_at FROM service_tokens WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, None, "no write on the read path");
    let changes_after: i64 = app
        .sqlite()
        .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(changes_before, changes_after);
    let (_, list) = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .answer()
        .await;
    assert!(
        list["serviceTokens"][0]["lastUsedAt"].as_str().is_some(),
        "the buffered use is shown: {list}"
    );
    assert_eq!(list["serviceTokens"][0]["lastUsedIp"], "127.0.0.1");
    app.stop().await;
    // Stopping flushes the buffer.
    eventually("last use is written at shutdown", || {
        app.sqlite()
            .query_row(
                "SELECT last_used_at FROM service_tokens WHERE id = ?1",
                [&id],
                |r| r.get::<_, Option<i64>>(0),
            )
            .unwrap()
            .is_some()
    })
    .await;
}

#[tokio::test]
async fn a_token_whose_stored_allowed_ips_no_longer_decode_is_refused_not_unrestricted() {
    let app = spawn_app().await;
    let project = app.create_project("Corrupt").await;
    let body = json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null, "allowedIps": ["127.0.0.1/32"] });
    let (good, _) = app.mint(&project, body.clone()).await;
    let (corrupt, corrupt_id) = app.mint(&project, body).await;
    // Valid JSON, but not a CIDR: written behind the server's back by another connection. The
    // token has never been used, so no cached record of it exists.
    let changed = app
        .sqlite()
        .execute(
            r#"UPDATE service_tokens SET allowed_ips = '["not-a-cidr"]' WHERE id = ?1"#,
            [&corrupt_id],
        )
        .unwrap();
    assert_eq!(changed, 1);

    let (status, json) = app
        .bearer(Method::GET, "/api/v1/auth/token", &good)
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "the intact token works: {json}");
    let (status, json) = app
        .bearer(Method::GET, "/api/v1/auth/token", &corrupt)
        .answer()
        .await;
    // Refused like an unknown token (and counted towards the address's throttle), not a 500.
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert!(
        !json.to_string().contains("not-a-cidr"),
        "the body is generic: {json}"
    );
    let (status, json) = app
        .bearer(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets?environment=dev"),
            &corrupt,
        )
        .answer()
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "refused on reads too: {json}"
    );

    let (status, list) = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/service-tokens"),
        )
        .answer()
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let listed: Vec<&str> = list["serviceTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 1, "the corrupt row is left out: {list}");
    assert!(!listed.contains(&corrupt_id.as_str()));
    let (status, _) = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/service-tokens/{corrupt_id}"),
        )
        .answer()
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "it can still be revoked");
}

#[tokio::test]
async fn a_cached_token_whose_row_is_corrupted_is_refused_by_every_route_never_a_500() {
    let app = spawn_app().await;
    let project = app.create_project("Corrupt later").await;
    let (token, id) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let reads = format!("/api/v1/projects/{project}/secrets?environment=dev");
    let (status, json) = app.bearer(Method::GET, &reads, &token).answer().await;
    assert_eq!(status, StatusCode::OK, "the record is now cached: {json}");
    app.sqlite()
        .execute(
            r#"UPDATE service_tokens SET allowed_ips = '["not-a-cidr"]' WHERE id = ?1"#,
            [&id],
        )
        .unwrap();
    // Before or after the Store notices the outside change, the token-details route reads the
    // row itself: it must refuse the token, not fail.
    let (status, json) = app
        .bearer(Method::GET, "/api/v1/auth/token", &token)
        .answer()
        .await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED, "UnauthorizedError");
}
