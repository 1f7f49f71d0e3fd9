use crate::helpers::TestApp;
use serde_json::Value;

#[tokio::test]
async fn every_state_change_is_audited_without_values() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Audited").await;
    app.create_secret(&project, "dev", "/", "API_KEY", "audit-must-not-see-this")
        .await;
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare("SELECT action, detail FROM audit_events WHERE project_id = ?1 ORDER BY id")
        .unwrap();
    let rows: Vec<(String, String)> = stmt
        .query_map([&project], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let actions: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["project.create", "secret.create"]);
    assert!(rows
        .iter()
        .all(|(_, d)| !d.contains("audit-must-not-see-this")));
    let detail: Value = serde_json::from_str(&rows[1].1).unwrap();
    assert_eq!(detail["key"], "API_KEY");
}
