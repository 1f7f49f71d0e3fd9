//! Service tokens and teams: a developer's reach (its environments), and the creator of a token
//! recorded by user id, shown as active, disabled or removed, never as a new person who happens
//! to have the same e-mail.

use crate::helpers::{TestApp, ADMIN_EMAIL};
use reqwest::StatusCode;
use serde_json::json;

fn scoped(name: &str, environments: &[&str]) -> serde_json::Value {
    let scopes: Vec<_> = environments
        .iter()
        .map(|e| json!({ "environment": e, "secretPath": "/" }))
        .collect();
    json!({ "name": name, "scopes": scopes, "permissions": ["read"], "expiresIn": null })
}

#[tokio::test]
async fn a_developer_lists_only_the_tokens_whose_every_scope_lies_in_its_environments() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let dev = app
        .member_of(
            &project,
            "dev@example.com",
            "developer",
            Some(&["dev", "staging"]),
        )
        .await;
    app.mint(&project, scoped("dev-only", &["dev"])).await;
    app.mint(&project, scoped("dev-and-staging", &["dev", "staging"]))
        .await;
    app.mint(&project, scoped("dev-and-prod", &["dev", "prod"]))
        .await;
    let listed = app.as_user(&dev).list_tokens(&project).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    let mut names: Vec<_> = listed["serviceTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["dev-and-staging", "dev-only"]);
}

#[tokio::test]
async fn a_developer_cannot_mint_or_revoke_beyond_its_environments_and_is_told_which() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let dev = app
        .member_of(&project, "dev@example.com", "developer", Some(&["dev"]))
        .await;
    let api = app.as_user(&dev);
    let minted = api.mint(&project, scoped("mine", &["dev"])).await;
    assert_eq!(minted.status, StatusCode::CREATED, "{minted}");
    let refused = api.mint(&project, scoped("wide", &["dev", "prod"])).await;
    refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    assert!(
        refused["message"].as_str().unwrap().contains("'prod'"),
        "{refused}"
    );
    let (_, prod_token) = app.mint(&project, scoped("prod", &["prod"])).await;
    let revoke = api.revoke(&project, &prod_token).await;
    revoke.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    assert!(revoke["message"].as_str().unwrap().contains("'prod'"));
    let own = minted["serviceToken"]["id"].as_str().unwrap();
    assert_eq!(
        api.revoke(&project, own).await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn token_json_names_the_creator_by_id_and_status() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let me = app.as_admin().whoami().await;
    let minted = app.as_admin().mint(&project, scoped("t", &["dev"])).await;
    let token = &minted["serviceToken"];
    assert_eq!(token["createdBy"], ADMIN_EMAIL);
    assert_eq!(token["createdById"], me["user"]["id"]);
    assert_eq!(token["creatorStatus"], "active");
}

#[tokio::test]
async fn tokens_survive_their_creator_shown_disabled_then_removed_even_after_a_reinvite() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "dev", "/", "KEY", "v").await;
    let lead = app
        .member_of(&project, "lead@example.com", "admin", None)
        .await;
    let minted = app
        .as_user(&lead)
        .mint(&project, scoped("ci", &["dev"]))
        .await;
    let token = minted["token"].as_str().unwrap().to_owned();
    let status = || async {
        let listed = app.as_admin().list_tokens(&project).await;
        let t = listed["serviceTokens"][0].clone();
        (
            t["creatorStatus"].as_str().unwrap().to_owned(),
            t["createdBy"].clone(),
        )
    };
    app.as_admin()
        .update_user(&lead.id, json!({ "disabled": true }))
        .await;
    assert_eq!(status().await.0, "disabled");
    let removed = app.as_admin().delete_user(&lead.id, false).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(status().await.0, "removed");
    app.create_user("lead@example.com", "member").await;
    let (after_reinvite, created_by) = status().await;
    assert_eq!(
        after_reinvite, "removed",
        "a new person with the same e-mail is not the creator"
    );
    assert_eq!(created_by, "lead@example.com");
    let read = app
        .as_token(&token)
        .get_secret(&project, "dev", "/", "KEY")
        .await;
    assert_eq!(read.status, StatusCode::OK, "the token still works: {read}");
}

#[tokio::test]
async fn removing_a_user_with_revoke_tokens_revokes_what_they_created() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let lead = app
        .member_of(&project, "lead@example.com", "admin", None)
        .await;
    let minted = app
        .as_user(&lead)
        .mint(&project, scoped("ci", &["dev"]))
        .await;
    let token = minted["token"].as_str().unwrap().to_owned();
    app.mint(&project, scoped("owners", &["dev"])).await;
    let removed = app.as_admin().delete_user(&lead.id, true).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    app.as_token(&token)
        .whoami()
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    let listed = app.as_admin().list_tokens(&project).await;
    assert_eq!(listed["serviceTokens"].as_array().unwrap().len(), 1);
}
