//! The chain as ordinary use leaves it: verifiable, continued across an offline writer, and
//! holding a logged head until the newest rows are removed.

use super::{ids, keys, some_history, verified};
use crate::helpers::TestApp;
use envkeep::commands::audit;

#[tokio::test]
async fn the_chain_verifies_after_ordinary_writes() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let report = verified(&app).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["firstBad"], serde_json::Value::Null);
    // The genesis anchor and every write since (a fresh database has nothing before the chain).
    assert_eq!(report["checked"], ids(&app).len() as u64, "{report}");
    assert_eq!(report["beforeChain"], 0);
    assert_eq!(report["head"].as_str().unwrap().len(), 64);
}

#[tokio::test]
async fn every_written_row_carries_a_hash() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let unhashed: i64 = app
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE hash IS NULL AND action != 'audit.chain_started'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unhashed, 0);
}

#[tokio::test]
async fn the_chain_continues_across_an_offline_writer() {
    let app = TestApp::spawn().await;
    let project = some_history(&app).await;
    // The server's cached head is now stale: the export appends behind its back.
    let mut out = Vec::new();
    audit::export(&app.db_path(), &keys(&app), "2000-01-01", None, &mut out).unwrap();
    app.create_secret(&project, "dev", "/", "AFTER", "v").await;
    let report = verified(&app).await;
    assert_eq!(report["ok"], true, "{report}");
    let recorded: i64 = app
        .sqlite()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'audit.exported'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn the_offline_verify_agrees_with_the_api_and_meets_its_own_head() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let offline = audit::verify(&app.db_path(), &keys(&app), None).unwrap();
    let online = verified(&app).await;
    assert!(offline.ok);
    assert_eq!(online["head"], offline.head.clone().unwrap());
    let again = audit::verify(&app.db_path(), &keys(&app), offline.head.as_deref()).unwrap();
    assert!(again.ok);
    assert_eq!(again.expected_head_found, Some(true));
}

#[tokio::test]
async fn expect_head_catches_a_removed_newest_row() {
    let app = TestApp::spawn().await;
    let project = some_history(&app).await;
    app.create_secret(&project, "dev", "/", "NEWEST", "v").await;
    let logged = audit::verify(&app.db_path(), &keys(&app), None).unwrap();
    let head = logged.head.unwrap();
    let newest = *ids(&app).last().unwrap();
    app.sqlite()
        .execute("DELETE FROM audit_events WHERE id = ?1", [newest])
        .unwrap();
    // What is left is a shorter chain that verifies on its own ...
    let shorter = audit::verify(&app.db_path(), &keys(&app), None).unwrap();
    assert!(shorter.ok, "{shorter:?}");
    // ... but no longer holds the head that was logged.
    let expected = audit::verify(&app.db_path(), &keys(&app), Some(&head)).unwrap();
    assert!(!expected.ok);
    assert_eq!(expected.expected_head_found, Some(false));
}

#[tokio::test]
async fn a_wrong_root_key_is_refused_by_the_offline_verify() {
    let app = TestApp::spawn().await;
    let wrong = envkeep::commands::check::KeySource {
        given: Some(envkeep::crypto::root_key::encode(
            &envkeep::crypto::Key32::generate(),
        )),
        dirs: vec![],
    };
    let refused = audit::verify(&app.db_path(), &wrong, None).unwrap_err();
    assert!(refused.contains("does not open"), "{refused}");
}
