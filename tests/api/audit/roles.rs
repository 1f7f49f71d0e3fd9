//! Who may read the audit log and verify it (DESIGN §9's audit row): owners and admins all of it,
//! project admins their projects' events and no verify, developers, viewers and tokens nothing.

use crate::helpers::TestApp;

#[tokio::test]
async fn a_project_admin_sees_only_their_projects_events_and_cannot_verify() {
    let app = TestApp::spawn().await;
    let mine = app.create_project("mine").await;
    let other = app.create_project("other").await;
    app.create_secret(&mine, "dev", "/", "MINE", "v").await;
    app.create_secret(&other, "dev", "/", "OTHER", "v").await;
    let admin = app
        .member_of(&mine, "padmin@example.com", "admin", None)
        .await;
    let page = app.as_user(&admin).get("/api/v1/audit?limit=500").await;
    assert_eq!(page.status, 200, "{page}");
    let events = page["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["key"] == "MINE"), "{page}");
    assert!(
        events.iter().all(|e| e["projectId"] == mine.as_str()),
        "{page}"
    );
    let named = app
        .as_user(&admin)
        .get(&format!("/api/v1/audit?projectId={other}"))
        .await;
    named.assert_error(reqwest::StatusCode::NOT_FOUND, "NotFound");
    let verify = app.as_user(&admin).get("/api/v1/audit/verify").await;
    assert_eq!(verify.status, 403, "{verify}");
}

#[tokio::test]
async fn the_audit_row_of_the_policy_for_each_role() {
    let app = TestApp::spawn().await;
    let project = app.create_project("roles").await;
    let instance_admin = app.create_user("iadmin@example.com", "admin").await;
    let project_admin = app
        .member_of(&project, "padmin@example.com", "admin", None)
        .await;
    let developer = app
        .member_of(&project, "dev@example.com", "developer", None)
        .await;
    let viewer = app
        .member_of(&project, "viewer@example.com", "viewer", None)
        .await;
    let loner = app.create_user("loner@example.com", "member").await;
    let in_project = format!("/api/v1/audit?projectId={project}");
    // (who, all events, the project's events, verify)
    let owner = app.as_admin();
    let rows = [
        ("owner", owner, 200, 200, 200),
        ("admin", app.as_user(&instance_admin), 200, 200, 200),
        ("project admin", app.as_user(&project_admin), 200, 200, 403),
        ("developer", app.as_user(&developer), 403, 403, 403),
        ("viewer", app.as_user(&viewer), 403, 403, 403),
        ("member of nothing", app.as_user(&loner), 403, 404, 403),
    ];
    for (who, api, all, one, verify) in rows {
        let got = (
            api.get("/api/v1/audit").await.status.as_u16(),
            api.get(&in_project).await.status.as_u16(),
            api.get("/api/v1/audit/verify").await.status.as_u16(),
        );
        assert_eq!(got, (all, one, verify), "{who}");
    }
}
