//! The machine-identity pages, the imports card and the reference preview over real HTTP:
//! who may open them, CSRF, validation re-rendering, the client secret shown once, and the
//! preview's 403 that names a reference without its value.

use crate::helpers::team::USER_PASSWORD;
use crate::helpers::{Browser, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// Creates an identity through the API; returns its id.
async fn identity(app: &TestApp, name: &str) -> String {
    let created = app
        .as_admin()
        .post_json("/api/v1/identities", json!({ "name": name }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    created["identity"]["id"].as_str().unwrap().to_owned()
}

/// A browser logged in as a new member with `role` in `project`, limited to `environments`
/// (`None`: all).
async fn member_browser(
    app: &TestApp,
    project: &str,
    role: &str,
    environments: Option<&[&str]>,
) -> Browser {
    let user = app
        .member_of(project, "someone@example.com", role, environments)
        .await;
    let browser = app.new_browser();
    let login = browser.log_in_as(&user.email, USER_PASSWORD).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{login}");
    browser
}

#[tokio::test]
async fn a_developer_is_refused_the_identities_pages_and_shown_no_link_to_them() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let id = identity(&app, "ci").await;
    let browser = member_browser(&app, &project, "developer", Some(&["dev"])).await;
    for page in ["/identities".to_owned(), format!("/identities/{id}")] {
        let refused = browser.get(&page).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{page}: {refused}");
    }
    let projects = browser.get("/projects").await;
    assert!(!projects.text.contains("href=\"/identities\""));
    let attach = browser
        .get(&format!("/projects/{project}/access-control/identities"))
        .await;
    assert_eq!(attach.status, StatusCode::FORBIDDEN, "{attach}");
}

#[tokio::test]
async fn creating_an_identity_without_the_csrf_token_is_refused_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let refused = app
        .browser()
        .post_form("/identities", &[("name", "ci")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused}");
    let listed = app.as_admin().get("/api/v1/identities").await;
    assert_eq!(listed["identities"], json!([]));
}

#[tokio::test]
async fn a_ttl_that_is_not_a_number_is_a_422_naming_the_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let id = identity(&app, "ci").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("access_token_ttl", "two hours"),
        ("access_token_max_ttl", "0"),
        ("access_token_num_uses_limit", "0"),
        ("client_secret_trusted_ips", ""),
        ("access_token_trusted_ips", "10.0.0.0/8\nnot-an-ip"),
    ];
    let refused = browser
        .post_form(&format!("/identities/{id}/universal-auth"), &form)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused}"
    );
    assert!(
        refused.text.contains("id=\"ua-ttl-error\""),
        "{}",
        refused.text
    );
    assert!(refused.text.contains("id=\"ua-token-ips-error\""));
    assert!(
        refused.text.contains("two hours"),
        "the typed value is kept"
    );
    let listed = app.as_admin().get("/api/v1/identities").await;
    assert_eq!(listed["identities"][0]["accessTokenTTL"], json!(7200));
    assert_eq!(
        listed["identities"][0]["accessTokenMaxTTL"],
        json!(2_592_000)
    );
}

#[tokio::test]
async fn a_new_client_secret_is_shown_once_with_the_client_id() {
    let app = TestApp::spawn().await;
    let id = identity(&app, "ci").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("description", "deploys"),
        ("ttl", "0"),
        ("num_uses_limit", "3"),
    ];
    let created = browser
        .post_form(&format!("/identities/{id}/client-secrets"), &form)
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{created}");
    let page = created.location().to_owned();
    let shown = browser.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK, "{shown}");
    let listed = app.as_admin().get("/api/v1/identities").await;
    let client_id = listed["identities"][0]["clientId"].as_str().unwrap();
    assert!(shown.text.contains(client_id));
    let secrets = app
        .as_admin()
        .get(&format!("/api/v1/identities/{id}/client-secrets"))
        .await;
    let prefix = secrets["clientSecrets"][0]["prefix"].as_str().unwrap();
    assert!(shown.text.contains(&format!(
        "id=\"client-secret-value\" class=\"mono\" value=\"{prefix}"
    )));
    assert_eq!(secrets["clientSecrets"][0]["numUsesLimit"], json!(3));
    let again = browser.get(&page).await;
    assert_eq!(again.status, StatusCode::GONE, "{again}");
}

#[tokio::test]
async fn attaching_with_no_environment_ticked_is_refused_and_attaches_nothing() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let id = identity(&app, "ci").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("identity_id", id.as_str()),
        ("role", "viewer"),
    ];
    let page = format!("/projects/{project}/access-control/identities");
    let refused = browser.post_form(&page, &form).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused}"
    );
    assert!(refused.text.contains("Tick at least one environment"));
    let listed = app
        .as_admin()
        .get(&format!("/api/v1/projects/{project}/identities"))
        .await;
    assert_eq!(listed["identities"], json!([]));
}

#[tokio::test]
async fn a_preview_through_an_unreadable_environment_is_a_403_naming_the_reference_not_the_value() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "prod", "/", "API_KEY", "prod-only-value")
        .await;
    app.create_secret(&project, "dev", "/", "LINKED", "k=${prod.API_KEY}")
        .await;
    let browser = member_browser(&app, &project, "developer", Some(&["dev"])).await;
    let folder = browser
        .get(&format!("/projects/{project}/secrets/dev"))
        .await;
    assert!(
        folder.text.contains("class=\"ref-mark\""),
        "{}",
        folder.text
    );
    assert!(folder.text.contains("names a folder you may not read"));
    assert!(!folder.text.contains("/preview?"), "no preview offered");
    let preview = format!("/projects/{project}/secrets/dev/preview?path=/&key=LINKED");
    let refused = browser.get(&preview).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused}");
    assert!(
        refused.text.contains("API_KEY") && refused.text.contains("prod"),
        "{}",
        refused.text
    );
    assert!(!refused.text.contains("prod-only-value"));
    let allowed = app.browser().get(&preview).await;
    assert_eq!(allowed.status, StatusCode::OK, "{allowed}");
    assert!(allowed.text.contains("k=prod-only-value"));
}

#[tokio::test]
async fn a_developer_sees_the_folders_imports_but_may_not_add_one() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let created = app
        .as_admin()
        .post_json(
            &format!("/api/v1/projects/{project}/imports"),
            json!({ "environment": "dev", "path": "/", "importEnvironment": "staging", "importPath": "/" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    let browser = member_browser(&app, &project, "developer", Some(&["dev"])).await;
    let folder = browser
        .get(&format!("/projects/{project}/secrets/dev"))
        .await;
    assert!(
        folder.text.contains("class=\"import-list\""),
        "{}",
        folder.text
    );
    assert!(!folder.text.contains("Add import"));
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("path", "/"),
        ("import_environment", "prod"),
        ("import_path", "/"),
    ];
    let refused = browser
        .post_form(&format!("/projects/{project}/secrets/dev/imports"), &form)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused}");
    let listed = app
        .as_admin()
        .get(&format!(
            "/api/v1/projects/{project}/imports?environment=dev&path=/"
        ))
        .await;
    assert_eq!(listed["imports"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_project_admin_attaches_an_identity_to_their_project_from_the_ui() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let id = identity(&app, "ci").await;
    let browser = member_browser(&app, &project, "admin", None).await;
    let page = format!("/projects/{project}/access-control/identities");
    let shown = browser.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK, "{shown}");
    assert!(shown
        .text
        .contains(&format!("<option value=\"{id}\">ci</option>")));
    let csrf = browser.csrf_token().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("identity_id", id.as_str()),
        ("role", "developer"),
        ("environments", "dev"),
        ("environments", "staging"),
    ];
    let attached = browser.post_form(&page, &form).await;
    assert_eq!(attached.status, StatusCode::SEE_OTHER, "{attached}");
    let listed = app
        .as_admin()
        .get(&format!("/api/v1/projects/{project}/identities"))
        .await;
    assert_eq!(listed["identities"][0]["role"], json!("developer"));
    assert_eq!(
        listed["identities"][0]["environments"],
        json!(["dev", "staging"])
    );
}
