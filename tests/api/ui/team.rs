//! The Team page and the Members tab, without JavaScript: what each role is shown, and the forms.

use crate::helpers::{Browser, TestApp, TestUser, USER_PASSWORD};
use reqwest::StatusCode;

/// A browser logged in as `user` through the login form.
async fn browser_of(app: &TestApp, user: &TestUser) -> Browser {
    let browser = app.new_browser();
    let login = browser.log_in_as(&user.email, USER_PASSWORD).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{login}");
    browser
}

#[tokio::test]
async fn the_team_page_lists_users_for_owners_and_is_refused_to_members() {
    let app = TestApp::spawn().await;
    let member = app.create_user("member@example.com", "member").await;
    let page = app.browser().get("/team").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("member@example.com"));
    let theirs = browser_of(&app, &member).await;
    assert!(!theirs
        .get("/projects")
        .await
        .text
        .contains("href=\"/team\""));
    assert_eq!(theirs.get("/team").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_invitation_link_is_shown_once() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("email", "new@example.com"),
        ("role", "member"),
    ];
    let posted = browser.post_form("/team/invites", &form).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{posted}");
    let shown = browser.get(posted.location()).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains("/invite/"));
    assert_eq!(
        browser.get(posted.location()).await.status,
        StatusCode::GONE
    );
}

#[tokio::test]
async fn a_viewer_is_shown_no_settings_access_control_or_write_buttons() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let viewer = app
        .member_of(&project, "viewer@example.com", "viewer", Some(&["dev"]))
        .await;
    let browser = browser_of(&app, &viewer).await;
    let page = browser.get(&super::secrets_page(&project, "dev")).await;
    assert_eq!(page.status, StatusCode::OK);
    for hidden in [
        "Add secret",
        "Access Control",
        "Settings",
        ">Production<",
        "Create token",
    ] {
        assert!(!page.text.contains(hidden), "{hidden} is shown");
    }
    let settings = format!("/projects/{project}/settings");
    assert_eq!(browser.get(&settings).await.status, StatusCode::FORBIDDEN);
    let tokens = format!("/projects/{project}/access-control/service-tokens");
    assert_eq!(browser.get(&tokens).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_members_tab_adds_changes_and_removes_a_member() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let user = app.create_user("dev@example.com", "member").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let members = format!("/projects/{project}/access-control/members");
    let form = [
        ("csrf_token", csrf.as_str()),
        ("email", "dev@example.com"),
        ("role", "developer"),
        ("environments", "dev"),
    ];
    let added = browser.post_form(&members, &form).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{added}");
    let listed = app.as_admin().list_members(&project).await;
    assert_eq!(
        listed["members"][0]["environments"],
        serde_json::json!(["dev"])
    );
    let form = [
        ("csrf_token", csrf.as_str()),
        ("role", "viewer"),
        ("all_environments", "1"),
    ];
    let changed = browser
        .post_form(&format!("{members}/{}", user.id), &form)
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{changed}");
    let listed = app.as_admin().list_members(&project).await;
    assert_eq!(listed["members"][0]["role"], "viewer");
    assert_eq!(
        listed["members"][0]["environments"],
        serde_json::json!(null)
    );
    let form = [("csrf_token", csrf.as_str())];
    let removed = browser
        .post_form(&format!("{members}/{}/remove", user.id), &form)
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let nobody = "dev@example.com";
    let page = browser.get(&members).await;
    assert!(!page.text.contains(nobody));
    let unknown = [
        ("csrf_token", csrf.as_str()),
        ("email", "ghost@example.com"),
        ("role", "viewer"),
        ("all_environments", "1"),
    ];
    let refused = browser.post_form(&members, &unknown).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("invite them first"));
}

#[tokio::test]
async fn removing_a_user_from_the_team_page_can_revoke_the_tokens_they_created() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let lead = app
        .member_of(&project, "lead@example.com", "admin", None)
        .await;
    let body = serde_json::json!({ "name": "lead-ci", "scopes": [{ "environment": "dev" }], "permissions": ["read"], "expiresIn": null });
    let minted = app.as_user(&lead).mint(&project, body).await;
    assert_eq!(minted.status, StatusCode::CREATED);
    let browser = app.browser();
    let remove = format!("/team/users/{}/remove", lead.id);
    let confirm = browser.get(&remove).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.text.contains("lead-ci"),
        "the tokens they created are listed"
    );
    let csrf = browser.csrf_token().await;
    let form = [("csrf_token", csrf.as_str()), ("revoke_tokens", "true")];
    let removed = browser.post_form(&remove, &form).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{removed}");
    let listed = app.as_admin().list_tokens(&project).await;
    assert_eq!(listed["serviceTokens"], serde_json::json!([]));
}

#[tokio::test]
async fn the_owner_requires_mfa_from_the_team_page() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    let page = owner.get("/team").await;
    assert!(page
        .text
        .contains("Require two-factor authentication for everyone"));
    let csrf = owner.csrf_token().await;
    let on = [("csrf_token", csrf.as_str()), ("require_mfa", "true")];
    let posted = owner.post_form("/team/mfa", &on).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{posted}");
    // In force at once: the owner has no MFA yet, so the API now only lets them enrol.
    app.as_admin()
        .get("/api/v1/settings")
        .await
        .assert_error(StatusCode::FORBIDDEN, "MfaEnrolmentRequired");
    let required: Option<Vec<u8>> = app
        .sqlite()
        .query_row(
            "SELECT value FROM meta WHERE key = 'require_mfa'",
            [],
            |r| r.get(0),
        )
        .ok();
    assert_eq!(required, Some(vec![1]));
}

#[tokio::test]
async fn an_admin_is_shown_the_mfa_setting_but_may_not_change_it() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("admin@team.example", "admin").await;
    let theirs = browser_of(&app, &admin).await;
    let shown = theirs.get("/team").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains("Only an owner may change this."));
    assert!(!shown
        .text
        .contains("Require two-factor authentication for everyone"));
    let csrf = theirs.csrf_token().await;
    let refused = theirs
        .post_form(
            "/team/mfa",
            &[("csrf_token", csrf.as_str()), ("require_mfa", "true")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused}");
    let setting = app.as_admin().get("/api/v1/settings").await;
    assert_eq!(setting["settings"]["requireMfa"], false, "{setting}");
}
