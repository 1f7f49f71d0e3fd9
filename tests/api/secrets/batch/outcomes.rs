//! What a batch does with each key, and that it is one transaction that evicts what it changed.

use super::{batch, project_with_a_and_b, value_of};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn new_keys_are_created_same_values_unchanged_and_other_values_skipped() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let body = batch(&[("A", "1"), ("B", "changed"), ("C", "3")], false, false);
    let answer = app.as_admin().write_batch(&project, body).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer.json,
        json!({ "created": ["C"], "overwritten": [], "unchanged": ["A"], "skipped": ["B"], "existing": [], "dryRun": false })
    );
    assert_eq!(value_of(&app, &project, "B").await, "2");
    assert_eq!(value_of(&app, &project, "C").await, "3");
}

#[tokio::test]
async fn with_overwrite_other_values_are_replaced_and_only_their_version_rises() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let body = batch(&[("A", "1"), ("B", "changed")], true, false);
    let answer = app.as_admin().write_batch(&project, body).await;
    assert_eq!(answer["overwritten"], json!(["B"]), "{answer}");
    assert_eq!(answer["unchanged"], json!(["A"]), "{answer}");
    let b = app.as_admin().get_secret(&project, "dev", "/", "B").await;
    assert_eq!(
        (&b["secret"]["value"], &b["secret"]["version"]),
        (&json!("changed"), &json!(2))
    );
    assert_eq!(
        b["secret"]["comment"], "kept",
        "no comment given: the stored one stays"
    );
    let a = app.as_admin().get_secret(&project, "dev", "/", "A").await;
    assert_eq!(a["secret"]["version"], 1);
}

#[tokio::test]
async fn a_comment_given_in_the_batch_replaces_the_stored_one() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let body = json!({ "environment": "dev", "overwrite": true, "secrets": [
        { "key": "B", "value": "2", "comment": "new note" },
        { "key": "N", "value": "n", "comment": "fresh" },
    ]});
    let answer = app.as_admin().write_batch(&project, body).await;
    assert_eq!(answer["overwritten"], json!(["B"]), "{answer}");
    let b = app.as_admin().get_secret(&project, "dev", "/", "B").await;
    assert_eq!(b["secret"]["comment"], "new note");
    let n = app.as_admin().get_secret(&project, "dev", "/", "N").await;
    assert_eq!(n["secret"]["comment"], "fresh");
}

#[tokio::test]
async fn a_dry_run_answers_the_plan_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let audited = app.count_rows("audit_events");
    let mut body = batch(&[("A", "1"), ("B", "changed"), ("C", "3")], true, true);
    body["path"] = json!("/new/folder");
    let planned = app.as_admin().write_batch(&project, body).await;
    assert_eq!(planned.status, StatusCode::OK, "{planned}");
    assert_eq!(planned["created"], json!(["A", "B", "C"]), "{planned}");
    assert_eq!(planned["dryRun"], true);
    let body = batch(&[("A", "1"), ("B", "changed"), ("C", "3")], true, true);
    let planned = app.as_admin().write_batch(&project, body).await;
    assert_eq!(
        (
            &planned["created"],
            &planned["overwritten"],
            &planned["unchanged"]
        ),
        (&json!(["C"]), &json!(["B"]), &json!(["A"]))
    );
    assert_eq!(value_of(&app, &project, "B").await, "2");
    let c = app.as_admin().get_secret(&project, "dev", "/", "C").await;
    assert_eq!(c.status, StatusCode::NOT_FOUND);
    let folder = app.as_admin().list_secrets(&project, "dev", "/new").await;
    assert_eq!(folder.status, StatusCode::NOT_FOUND, "no folder was made");
    assert_eq!(app.count_rows("audit_events"), audited);
}

#[tokio::test]
async fn missing_folders_are_created_and_a_bad_new_folder_name_rolls_everything_back() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    let mut body = batch(&[("K", "v")], false, false);
    body["path"] = json!("/app/db");
    let answer = app.as_admin().write_batch(&project, body.clone()).await;
    assert_eq!(answer["created"], json!(["K"]), "{answer}");
    let read = app
        .as_admin()
        .get_secret(&project, "dev", "/app/db", "K")
        .await;
    assert_eq!(read["secret"]["value"], "v");

    body["path"] = json!("/other/bad.name");
    let refused = app.as_admin().write_batch(&project, body).await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    assert_eq!(refused["details"][0]["field"], "path", "{refused}");
    let other = app.as_admin().list_folders(&project, "dev", "/").await;
    assert!(
        !other.text.contains("other"),
        "/other was rolled back: {other}"
    );
}

#[tokio::test]
async fn a_batch_evicts_the_cached_listings_of_its_folder_and_its_ancestors() {
    let app = TestApp::spawn().await;
    let project = app.create_project("batch").await;
    app.create_secret(&project, "dev", "/app", "OLD", "1").await;
    let admin = app.as_admin();
    admin.list_secrets(&project, "dev", "/app").await;
    admin.list_secrets_recursive(&project, "dev", "/").await;
    let mut body = batch(&[("OLD", "2"), ("NEW", "3")], true, false);
    body["path"] = json!("/app");
    assert_eq!(
        admin.write_batch(&project, body).await.status,
        StatusCode::OK
    );
    let listed = admin.list_secrets(&project, "dev", "/app").await;
    let recursive = admin.list_secrets_recursive(&project, "dev", "/").await;
    for answer in [listed, recursive] {
        let values: Vec<_> = answer["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["key"].as_str().unwrap().to_owned(),
                    s["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(values.contains(&("OLD".into(), "2".into())), "{values:?}");
        assert!(values.contains(&("NEW".into(), "3".into())), "{values:?}");
    }
}

#[tokio::test]
async fn a_batch_is_audited_once_with_counts_and_never_a_value() {
    let app = TestApp::spawn().await;
    let project = project_with_a_and_b(&app).await;
    let body = batch(
        &[("A", "1"), ("B", "secret-b-value"), ("C", "secret-c-value")],
        false,
        false,
    );
    app.as_admin().write_batch(&project, body).await;
    let rows: Vec<(String, String)> = app
        .sqlite()
        .prepare("SELECT action, detail FROM audit_events WHERE action = 'secret.batch'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let detail: serde_json::Value = serde_json::from_str(&rows[0].1).unwrap();
    assert_eq!(
        detail,
        json!({ "environment": "dev", "path": "/", "overwrite": false, "created": 1, "overwritten": 0, "unchanged": 1, "skipped": 1, "actorName": crate::helpers::ADMIN_EMAIL })
    );
    assert!(!rows[0].1.contains("secret-"), "{rows:?}");
}
