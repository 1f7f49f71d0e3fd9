//! How much a folder and a project may hold (issue 14, item 4): a write beyond a limit is a 422
//! naming it, writes nothing, and the limit holds however many writers race for the last room.

use crate::helpers::{paths, Answer, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use tokio::task::JoinSet;

fn assert_refused_naming(answer: &Answer, setting: &str) {
    answer.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert!(answer.text.contains(setting), "{answer}");
}

/// Stores `n` placeholder secrets straight into dev:/ of `project`: only their number matters
/// here, and a thousand API calls would be slow.
fn fill_directly(app: &TestApp, project: &str, n: u32) {
    app.sqlite()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
             INSERT INTO secrets (id, project_id, environment_id, path, key, value_ct, comment_ct, version, created_at, updated_at)
             SELECT lower(hex(randomblob(16))), ?1,
                    (SELECT id FROM environments WHERE project_id = ?1 AND slug = 'dev'),
                    '/', printf('FILL%05d', i), x'00', x'00', 1, 0, 0 FROM n",
            rusqlite::params![project, n],
        )
        .unwrap();
    app.state.store.notice_outside_changes_blocking();
}

async fn create(app: &TestApp, project: &str, path: &str, key: &str, value: &str) -> Answer {
    app.as_admin()
        .create_secret(project, "dev", path, key, value)
        .await
}

#[tokio::test]
async fn the_thousand_and_first_secret_of_a_folder_is_refused_naming_the_limit() {
    let app = TestApp::spawn().await;
    let project = app.create_project("full").await;
    fill_directly(&app, &project, 999);
    let last = create(&app, &project, "/", "LAST", "v").await;
    assert_eq!(last.status, StatusCode::CREATED, "{last}");
    let over = create(&app, &project, "/", "OVER", "v").await;
    assert_refused_naming(&over, "ENVKEEP_MAX_SECRETS_PER_FOLDER");
    assert_eq!(app.count_rows("secrets"), 1000, "nothing was written");
    let elsewhere = create(&app, &project, "/app", "OTHER_FOLDER", "v").await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{elsewhere}");
}

#[tokio::test]
async fn the_fifty_thousand_and_first_secret_of_a_project_is_refused_naming_the_limit() {
    let app = TestApp::spawn().await;
    let project = app.create_project("full").await;
    fill_directly(&app, &project, 49_999);
    let last = create(&app, &project, "/app", "LAST", "v").await;
    assert_eq!(last.status, StatusCode::CREATED, "{last}");
    let over = create(&app, &project, "/app", "OVER", "v").await;
    assert_refused_naming(&over, "ENVKEEP_MAX_SECRETS_PER_PROJECT");
    let other = app.create_project("other").await;
    let elsewhere = create(&app, &other, "/", "OTHER_PROJECT", "v").await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{elsewhere}");
}

#[tokio::test]
async fn sealed_bytes_bound_creates_and_updates_counting_the_history_they_keep() {
    let app = TestApp::spawn_with(|c| c.limits.sealed_bytes_per_project = 10_000).await;
    let project = app.create_project("bytes").await;
    let admin = app.as_admin();
    for key in ["A", "B"] {
        let made = create(&app, &project, "/", key, &"a".repeat(4_000)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{made}");
    }
    let third = create(&app, &project, "/", "C", &"a".repeat(4_000)).await;
    assert_refused_naming(&third, "ENVKEEP_MAX_PROJECT_BYTES");
    let shrunk = admin
        .update_secret(&project, "dev", "/", "A", &"a".repeat(1_000))
        .await;
    assert_eq!(shrunk.status, StatusCode::OK, "{shrunk}");
    // B's 4,000-byte value stays in its history, so 8,000 new bytes no longer fit.
    let too_big = admin
        .update_secret(&project, "dev", "/", "B", &"b".repeat(8_000))
        .await;
    assert_refused_naming(&too_big, "ENVKEEP_MAX_PROJECT_BYTES");
    let fits = admin
        .update_secret(&project, "dev", "/", "B", &"b".repeat(500))
        .await;
    assert_eq!(fits.status, StatusCode::OK, "{fits}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_limit_holds_under_parallel_creates() {
    let app = TestApp::spawn_with(|c| c.limits.secrets_per_folder = 5).await;
    let project = app.create_project("race").await;
    let mut writers = JoinSet::new();
    for i in 0..24 {
        let (admin, project) = (app.as_admin(), project.clone());
        writers.spawn(async move {
            admin
                .create_secret(&project, "dev", "/", &format!("K{i:02}"), "v")
                .await
                .status
        });
    }
    let statuses = writers.join_all().await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((created, refused), (5, 19), "{statuses:?}");
    assert_eq!(app.count_rows("secrets"), 5);
}

#[tokio::test]
async fn the_infisical_and_ui_writes_are_bound_by_the_same_limit() {
    let app = TestApp::spawn_with(|c| c.limits.secrets_per_folder = 1).await;
    let project = app.create_project("routes").await;
    create(&app, &project, "/", "FIRST", "v").await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let raw = app
        .as_token(&token)
        .post_json(
            "/api/v3/secrets/raw/SECOND",
            json!({ "workspaceId": project, "environment": "dev", "secretPath": "/", "secretValue": "v" }),
        )
        .await;
    assert_refused_naming(&raw, "ENVKEEP_MAX_SECRETS_PER_FOLDER");
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("path", "/"),
        ("key", "THIRD"),
        ("value", "v"),
        ("comment", ""),
    ];
    let page = browser
        .post_form(&format!("/projects/{project}/secrets/dev/add"), &form)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.text.contains("ENVKEEP_MAX_SECRETS_PER_FOLDER"));
    assert_eq!(app.count_rows("secrets"), 1);
}

#[tokio::test]
async fn deleting_a_secret_makes_room_again() {
    let app = TestApp::spawn_with(|c| c.limits.secrets_per_folder = 1).await;
    let project = app.create_project("room").await;
    create(&app, &project, "/", "FIRST", "v").await;
    let full = create(&app, &project, "/", "SECOND", "v").await;
    assert_refused_naming(&full, "ENVKEEP_MAX_SECRETS_PER_FOLDER");
    let deleted = app
        .as_admin()
        .delete(&paths::secret(&project, "dev", "/", "FIRST"))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let again = create(&app, &project, "/", "SECOND", "v").await;
    assert_eq!(again.status, StatusCode::CREATED, "{again}");
}
