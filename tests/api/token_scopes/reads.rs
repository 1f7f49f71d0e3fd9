//! Reads inside and outside a token's scope.

use super::seeded;
use reqwest::StatusCode;

#[tokio::test]
async fn a_token_reads_the_folders_and_secrets_inside_its_scope() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app/**", &["read"])
        .await;
    let holder = app.as_token(&token);
    for path in ["/app", "/app/db"] {
        let listed = holder.list_secrets(&project, "dev", path).await;
        assert_eq!(listed.status, StatusCode::OK, "{path}: {listed}");
    }
    let secret = holder
        .get_secret(&project, "dev", "/app/db", "DB_KEY")
        .await;
    assert_eq!(secret["secret"]["value"], "dev/app/db");
}

#[tokio::test]
async fn a_read_outside_the_scope_is_refused_saying_so() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app/**", &["read"])
        .await;
    for (env, path, why) in [
        ("staging", "/app", "other environment"),
        ("dev", "/apple", "sibling path"),
        ("dev", "/", "parent path"),
        ("dev", "/other", "unrelated path"),
    ] {
        let refused = app.as_token(&token).list_secrets(&project, env, path).await;
        refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
        assert!(
            refused["message"].as_str().unwrap().contains("outside"),
            "{why}: {refused}"
        );
    }
}

#[tokio::test]
async fn a_token_is_refused_in_another_project() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app/**", &["read"])
        .await;
    let other = app.create_project("Other").await;
    app.as_token(&token)
        .list_secrets(&other, "dev", "/app")
        .await
        .assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
}

#[tokio::test]
async fn an_out_of_scope_probe_cannot_learn_whether_a_path_exists() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    for path in ["/other", "/does-not-exist"] {
        let refused = app
            .as_token(&token)
            .list_secrets(&project, "dev", path)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn a_write_only_token_cannot_read() {
    let (app, project) = seeded().await;
    let (token, _) = app
        .mint_scoped(&project, "wo", "dev", "/app", &["write"])
        .await;
    app.as_token(&token)
        .list_secrets(&project, "dev", "/app")
        .await
        .assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
}
