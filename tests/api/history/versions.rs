//! A secret's versions: one per (value, comment) pair it has had, newest first, the current one
//! included; what does and does not make a version; restoring one.

use super::{edited_four_times, field_of, numbers, patch, versions, versions_url};
use crate::hardening::damaged_rows::flip_one_byte;
use crate::helpers::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_create_and_three_updates_are_four_versions_newest_first() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    edited_four_times(&app, &project, "API_KEY").await;
    let listed = versions(&app.as_admin(), &project, "API_KEY").await;
    assert_eq!(listed.status, 200, "{listed}");
    assert_eq!(numbers(&listed), [4, 3, 2, 1]);
    assert_eq!(
        field_of(&listed, "value"),
        [json!("v4"), json!("v3"), json!("v2"), json!("v1")]
    );
    assert_eq!(
        field_of(&listed, "action"),
        [
            json!("update"),
            json!("update"),
            json!("update"),
            json!("create")
        ]
    );
    let actor = &listed["versions"][0]["actor"];
    assert_eq!(actor["kind"], "user", "{listed}");
    assert!(
        actor["name"].as_str().is_some_and(|n| n.contains('@')),
        "{listed}"
    );
    assert!(listed["nextCursor"].is_null(), "{listed}");
}

#[tokio::test]
async fn after_a_delete_the_versions_end_with_a_delete_entry() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    edited_four_times(&app, &project, "API_KEY").await;
    let deleted = app
        .as_admin()
        .delete_secret(&project, "dev", "/", "API_KEY")
        .await;
    assert_eq!(deleted.status, 204, "{deleted}");
    let listed = versions(&app.as_admin(), &project, "API_KEY").await;
    assert_eq!(numbers(&listed), [5, 4, 3, 2, 1], "{listed}");
    assert_eq!(listed["versions"][0]["action"], "delete");
    assert!(listed["versions"][0]["value"].is_null(), "{listed}");
    assert_eq!(listed["versions"][1]["value"], "v4");
}

#[tokio::test]
async fn creating_a_key_again_starts_a_new_history_and_the_old_stays_with_the_trashed_secret() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    edited_four_times(&app, &project, "API_KEY").await;
    app.as_admin()
        .delete_secret(&project, "dev", "/", "API_KEY")
        .await;
    app.create_secret(&project, "dev", "/", "API_KEY", "fresh")
        .await;
    let listed = versions(&app.as_admin(), &project, "API_KEY").await;
    assert_eq!(numbers(&listed), [1], "{listed}");
    let trash = super::trash(&app.as_admin(), &project, "dev").await;
    let id = trash["secrets"][0]["id"].as_str().unwrap();
    let old = app
        .as_admin()
        .get(&format!("/api/v1/projects/{project}/trash/{id}/versions"))
        .await;
    assert_eq!(numbers(&old), [5, 4, 3, 2, 1], "{old}");
}

#[tokio::test]
async fn versions_come_in_pages_that_follow_the_cursor() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    edited_four_times(&app, &project, "API_KEY").await;
    let url = versions_url(&project, "dev", "/", "API_KEY");
    let first = app.as_admin().get(&format!("{url}&limit=3")).await;
    assert_eq!(numbers(&first), [4, 3, 2], "{first}");
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = app
        .as_admin()
        .get(&format!("{url}&limit=3&cursor={cursor}"))
        .await;
    assert_eq!(numbers(&second), [1], "{second}");
    assert!(second["nextCursor"].is_null(), "{second}");
}

#[tokio::test]
async fn restoring_version_two_makes_its_pair_the_newest_version() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    edited_four_times(&app, &project, "API_KEY").await;
    let url = format!("/api/v1/projects/{project}/secrets/API_KEY/restore");
    let restored = app
        .as_admin()
        .post_json(
            &url,
            json!({ "environment": "dev", "path": "/", "version": 2 }),
        )
        .await;
    assert_eq!(restored.status, 200, "{restored}");
    assert_eq!(restored["secret"]["version"], 5);
    assert_eq!(restored["secret"]["value"], "v2");
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/", "API_KEY")
        .await;
    assert_eq!(live["secret"]["value"], "v2", "{live}");
    let listed = versions(&app.as_admin(), &project, "API_KEY").await;
    assert_eq!(listed["versions"][0]["action"], "restore", "{listed}");
}

#[tokio::test]
async fn an_unchanged_save_writes_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    app.create_secret(&project, "dev", "/", "SAME", "v1").await;
    let audits = app.count_rows("audit_events");
    let saved = patch(
        &app,
        &project,
        "SAME",
        json!({ "value": "v1", "comment": "" }),
    )
    .await;
    assert_eq!(saved.status, 200, "{saved}");
    assert_eq!(saved["secret"]["version"], 1, "{saved}");
    assert_eq!(app.count_rows("secret_versions"), 0);
    assert_eq!(app.count_rows("audit_events"), audits);
}

#[tokio::test]
async fn a_comment_only_change_is_a_version() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    app.create_secret(&project, "dev", "/", "NOTED", "v1").await;
    let saved = patch(
        &app,
        &project,
        "NOTED",
        json!({ "comment": "rotated monthly" }),
    )
    .await;
    assert_eq!(saved["secret"]["version"], 2, "{saved}");
    let listed = versions(&app.as_admin(), &project, "NOTED").await;
    assert_eq!(
        field_of(&listed, "comment"),
        [json!("rotated monthly"), json!("")]
    );
    assert_eq!(field_of(&listed, "value"), [json!("v1"), json!("v1")]);
}

#[tokio::test]
async fn a_damaged_current_row_is_updated_and_kept_as_an_unreadable_version() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    app.create_secret(&project, "dev", "/", "BROKEN", "v1")
        .await;
    flip_one_byte(&app.sqlite(), "BROKEN", "value_ct");
    let saved = patch(&app, &project, "BROKEN", json!({ "value": "v2" })).await;
    assert_eq!(saved.status, 200, "{saved}");
    let listed = versions(&app.as_admin(), &project, "BROKEN").await;
    assert_eq!(numbers(&listed), [2, 1], "{listed}");
    assert_eq!(listed["versions"][1]["unreadable"], true, "{listed}");
    assert!(listed["versions"][1]["value"].is_null(), "{listed}");
    assert!(
        listed["versions"][0].get("unreadable").is_none(),
        "{listed}"
    );
}

#[tokio::test]
async fn a_damaged_current_row_is_deleted_and_kept_as_an_unreadable_version() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    app.create_secret(&project, "dev", "/", "BROKEN", "v1")
        .await;
    flip_one_byte(&app.sqlite(), "BROKEN", "comment_ct");
    let deleted = app
        .as_admin()
        .delete_secret(&project, "dev", "/", "BROKEN")
        .await;
    assert_eq!(deleted.status, 204, "{deleted}");
    let listed = versions(&app.as_admin(), &project, "BROKEN").await;
    assert_eq!(numbers(&listed), [2, 1], "{listed}");
    assert_eq!(listed["versions"][1]["unreadable"], true, "{listed}");
}

#[tokio::test]
async fn a_batch_overwrite_keeps_the_previous_pair() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    app.create_secret(&project, "dev", "/", "BATCHED", "v1")
        .await;
    let body = json!({ "environment": "dev", "path": "/", "secrets": [{ "key": "BATCHED", "value": "v2" }], "overwrite": true });
    let written = app.as_admin().write_batch(&project, body).await;
    assert_eq!(written.status, 200, "{written}");
    let listed = versions(&app.as_admin(), &project, "BATCHED").await;
    assert_eq!(
        field_of(&listed, "value"),
        [json!("v2"), json!("v1")],
        "{listed}"
    );
}

#[tokio::test]
async fn a_history_ciphertext_moved_to_another_version_does_not_open() {
    let app = TestApp::spawn().await;
    let project = app.create_project("history").await;
    edited_four_times(&app, &project, "MOVED").await;
    app.sqlite()
        .execute(
            "UPDATE secret_versions SET value_ct = (SELECT value_ct FROM secret_versions WHERE version = 1),
                 comment_ct = (SELECT comment_ct FROM secret_versions WHERE version = 1)
             WHERE version = 2",
            [],
        )
        .unwrap();
    let listed = versions(&app.as_admin(), &project, "MOVED").await;
    assert_eq!(listed.status, 200, "{listed}");
    assert_eq!(listed["versions"][2]["version"], 2);
    assert_eq!(listed["versions"][2]["unreadable"], true, "{listed}");
    assert_eq!(listed["versions"][3]["value"], "v1", "{listed}");
}
