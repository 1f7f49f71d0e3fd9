//! Rows changed behind the server's back with a second connection: an edited, a deleted and a
//! swapped row are each found, and `firstBad` names the first row that no longer checks out.

use super::{ids, some_history, verified};
use crate::helpers::TestApp;

/// The history, and the id of an event in the middle of it.
async fn history_with_middle(app: &TestApp) -> i64 {
    some_history(app).await;
    let ids = ids(app);
    assert!(ids.len() >= 5, "{ids:?}");
    ids[ids.len() / 2]
}

#[tokio::test]
async fn an_edited_row_is_the_first_bad_one() {
    let app = TestApp::spawn().await;
    let middle = history_with_middle(&app).await;
    app.sqlite()
        .execute(
            "UPDATE audit_events SET ip = '10.9.9.9' WHERE id = ?1",
            [middle],
        )
        .unwrap();
    let report = verified(&app).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["firstBad"], middle);
}

#[tokio::test]
async fn a_deleted_row_makes_the_next_one_bad() {
    let app = TestApp::spawn().await;
    let middle = history_with_middle(&app).await;
    app.sqlite()
        .execute("DELETE FROM audit_events WHERE id = ?1", [middle])
        .unwrap();
    let report = verified(&app).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["firstBad"], middle + 1);
}

#[tokio::test]
async fn swapped_rows_are_found_at_the_first_of_them() {
    let app = TestApp::spawn().await;
    let middle = history_with_middle(&app).await;
    // Swap everything but the ids, hashes included, of two neighbours.
    app.sqlite()
        .execute_batch(&format!(
            "UPDATE audit_events SET id = -1 WHERE id = {a};
             UPDATE audit_events SET id = {a} WHERE id = {b};
             UPDATE audit_events SET id = {b} WHERE id = -1;",
            a = middle,
            b = middle + 1
        ))
        .unwrap();
    let report = verified(&app).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["firstBad"], middle);
}

#[tokio::test]
async fn a_removed_genesis_anchor_leaves_the_first_row_unlinked() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let first = ids(&app)[0];
    app.sqlite()
        .execute("DELETE FROM audit_events WHERE id = ?1", [first])
        .unwrap();
    let report = verified(&app).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["firstBad"], first + 1);
}

#[tokio::test]
async fn writes_after_tampering_go_on_and_the_damage_stays_reported() {
    let app = TestApp::spawn().await;
    let middle = history_with_middle(&app).await;
    app.sqlite()
        .execute(
            "UPDATE audit_events SET action = 'x' WHERE id = ?1",
            [middle],
        )
        .unwrap();
    let project = app.create_project("after").await;
    assert!(!project.is_empty());
    assert_eq!(verified(&app).await["firstBad"], middle);
}

#[tokio::test]
async fn a_forged_pruning_row_cannot_hide_the_rows_before_it() {
    let app = TestApp::spawn().await;
    let middle = history_with_middle(&app).await;
    app.sqlite()
        .execute(
            "UPDATE audit_events SET ip = '10.9.9.9' WHERE id = ?1",
            [middle],
        )
        .unwrap();
    // Turn the newest row into a pruning row that claims everything up to itself is gone.
    let newest = *ids(&app).last().unwrap();
    app.sqlite()
        .execute(
            "UPDATE audit_events SET action = 'audit.pruned', detail = json_object('lastDeletedId', ?1, 'resumeHash', NULL) WHERE id = ?1",
            [newest],
        )
        .unwrap();
    let report = verified(&app).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["checked"], 0);
    // The same forgery claiming a cut just below itself is walked, and fails its own check.
    app.sqlite()
        .execute(
            "UPDATE audit_events SET detail = json_object('lastDeletedId', ?1 - 1, 'resumeHash', NULL) WHERE id = ?1",
            [newest],
        )
        .unwrap();
    let report = verified(&app).await;
    assert_eq!(report["ok"], false, "{report}");
}
