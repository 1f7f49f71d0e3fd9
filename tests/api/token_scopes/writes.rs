//! Writes need the write permission and a place inside the scope; a refused write changes nothing.

use super::{seeded, SEEDED};
use crate::helpers::{paths, Answer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn a_read_only_token_cannot_write() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "ro", "dev", "/**", &["read"])
        .await;
    let holder = app.as_token(&token);
    let attempts: Vec<Answer> = vec![
        holder
            .create_secret(&project, "dev", "/app", "NEW", "x")
            .await,
        holder
            .update_secret(&project, "dev", "/app", "APP_KEY", "x")
            .await,
        holder
            .delete_secret(&project, "dev", "/app", "APP_KEY")
            .await,
        holder.create_folder(&project, "dev", "/", "new").await,
    ];
    for refused in attempts {
        refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    }
    let unchanged = app
        .as_admin()
        .get_secret(&project, "dev", "/app", "APP_KEY")
        .await;
    assert_eq!(unchanged["secret"]["version"], 1, "nothing changed");
}

#[tokio::test]
async fn a_write_token_creates_updates_and_deletes_secrets_inside_its_scope() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/app/**", &["read", "write"])
        .await;
    let holder = app.as_token(&token);
    let created = holder
        .create_secret(&project, "dev", "/app/new", "N", "1")
        .await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "create inside scope (missing folder created)"
    );
    let updated = holder
        .update_secret(&project, "dev", "/app/new", "N", "2")
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    let deleted = holder.delete_secret(&project, "dev", "/app/new", "N").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_new_folder_is_checked_by_its_own_path() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/app/**", &["read", "write"])
        .await;
    let created = app
        .as_token(&token)
        .create_folder(&project, "dev", "/app", "cache")
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn a_write_token_is_refused_every_write_outside_its_scope() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/app/**", &["read", "write"])
        .await;
    let holder = app.as_token(&token);
    let attempts: [(Method, String, Value); 6] = [
        (
            Method::POST,
            paths::secrets(&project),
            json!({ "environment": "dev", "path": "/other", "key": "N", "value": "1" }),
        ),
        (
            Method::POST,
            paths::secrets(&project),
            json!({ "environment": "staging", "path": "/app", "key": "N", "value": "1" }),
        ),
        (
            Method::PATCH,
            paths::secret(&project, "dev", "/", "ROOT_KEY"),
            json!({ "value": "x" }),
        ),
        (
            Method::DELETE,
            paths::secret(&project, "dev", "/apple", "SIBLING_KEY"),
            Value::Null,
        ),
        (
            Method::POST,
            paths::folders(&project),
            json!({ "environment": "dev", "path": "/", "name": "top" }),
        ),
        (
            Method::DELETE,
            paths::recursive(&paths::folders_in(&project, "dev", "/other")),
            Value::Null,
        ),
    ];
    for (method, path, request) in attempts {
        holder
            .send_json(method, &path, request)
            .await
            .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    }
    assert_eq!(app.count_rows("secrets"), SEEDED);
}

#[tokio::test]
async fn a_recursive_folder_delete_needs_every_descendant_in_scope() {
    let (app, project) = seeded().await;
    let (shallow, _) = app
        .mint_scoped(&project, "shallow", "dev", "/app", &["read", "write"])
        .await;
    app.as_token(&shallow)
        .delete_folder_recursive(&project, "dev", "/app")
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    assert_eq!(app.count_rows("secrets"), SEEDED, "nothing half-deleted");
    let (deep, _) = app
        .mint_scoped(&project, "deep", "dev", "/app/**", &["read", "write"])
        .await;
    let deleted = app
        .as_token(&deep)
        .delete_folder_recursive(&project, "dev", "/app")
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
}
