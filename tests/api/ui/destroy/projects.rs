//! The project forms (issue 20 item 4): the slug previewed and editable before creation, a
//! duplicate name warned about but not refused, and renaming in the settings.

use super::shop;
use crate::helpers::TestApp;
use reqwest::StatusCode;

/// The project with this slug, as the admin sees it in the API.
async fn by_slug(app: &TestApp, slug: &str) -> serde_json::Value {
    let all = app.as_admin().get("/api/v1/projects").await;
    all["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .cloned()
        .unwrap_or_else(|| panic!("no project {slug}: {all}"))
}

#[tokio::test]
async fn the_new_project_form_keeps_a_typed_slug() {
    let (app, _, browser, csrf) = shop().await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "Ünïcødé"),
        ("slug", "uni-2"),
    ];
    let created = browser.post_form("/projects", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{created}");
    assert!(created.location().ends_with("notice=project-created"));
    assert_eq!(by_slug(&app, "uni-2").await["name"], "Ünïcødé");
}

#[tokio::test]
async fn a_refused_slug_shows_the_form_again_with_the_name_as_typed() {
    let (_app, _, browser, csrf) = shop().await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "Ünïcødé"),
        ("slug", "Not OK"),
    ];
    let refused = browser.post_form("/projects", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text.contains("not a valid project slug"),
        "{refused}"
    );
    assert!(refused.text.contains("value=\"Ünïcødé\""), "{refused}");
    let taken = [
        ("csrf_token", csrf.as_str()),
        ("name", "X"),
        ("slug", "shop"),
    ];
    let conflict = browser.post_form("/projects", &taken).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict.text.contains("slug &#39;shop&#39; already exists"),
        "{conflict}"
    );
}

#[tokio::test]
async fn a_duplicate_name_is_created_with_a_warning() {
    let (app, _, browser, csrf) = shop().await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "shop "),
        ("slug", ""),
    ];
    let created = browser.post_form("/projects", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{created}");
    assert!(
        created
            .location()
            .ends_with("notice=project-created-same-name"),
        "{}",
        created.location()
    );
    let all = app.as_admin().get("/api/v1/projects").await;
    assert_eq!(all["projects"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_name_check_previews_the_slug_and_warns_about_a_name_in_use() {
    let (_app, project, browser, _) = shop().await;
    let fresh = browser
        .get("/projects/name-check?name=%C3%9Cn%C3%AFc%C3%B8d%C3%A9")
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(fresh.text.contains(">unicode</code>"), "{fresh}");
    assert!(!fresh.text.contains("warning"), "{fresh}");
    let same = browser.get("/projects/name-check?name=SHOP").await;
    assert!(same.text.contains("already have a project named"), "{same}");
    assert!(same.text.contains("suffix will be added"), "{same}");
    let bad = browser.get("/projects/name-check?name=a&slug=-x").await;
    assert!(bad.text.contains("not a valid project slug"), "{bad}");
    let own = format!("/projects/name-check?name=Shop&except={project}");
    assert!(!browser.get(&own).await.text.contains("already"));
}

#[tokio::test]
async fn renaming_a_project_in_its_settings_keeps_the_slug() {
    let (app, project, browser, csrf) = shop().await;
    let rename = format!("/projects/{project}/settings/rename");
    let fields = [("csrf_token", csrf.as_str()), ("name", "Storefront")];
    let renamed = browser.post_form(&rename, &fields).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{renamed}");
    assert!(renamed.location().ends_with("notice=project-renamed"));
    let now = app.as_admin().get_project(&project).await;
    assert_eq!(now["project"]["name"], "Storefront");
    assert_eq!(now["project"]["slug"], "shop");
    let empty = [("csrf_token", csrf.as_str()), ("name", "  ")];
    let refused = browser.post_form(&rename, &empty).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn renaming_to_a_name_in_use_warns_but_renames() {
    let (app, project, browser, csrf) = shop().await;
    app.create_project("Billing").await;
    let rename = format!("/projects/{project}/settings/rename");
    let fields = [("csrf_token", csrf.as_str()), ("name", "Billing")];
    let renamed = browser.post_form(&rename, &fields).await;
    assert!(renamed
        .location()
        .ends_with("notice=project-renamed-same-name"));
    let now = app.as_admin().get_project(&project).await;
    assert_eq!(now["project"]["name"], "Billing");
}

#[tokio::test]
async fn the_name_check_says_nothing_about_a_project_the_person_cannot_see() {
    let (app, _hidden, _, _) = shop().await;
    let visible = app.create_project("Storefront").await;
    let user = app
        .member_of(&visible, "dev@example.com", "developer", None)
        .await;
    let browser = app.new_browser();
    let login = browser
        .log_in_as(&user.email, crate::helpers::team::USER_PASSWORD)
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{login}");
    // "Shop" exists but is not theirs: neither its name nor its slug may be confirmed.
    for probe in [
        "/projects/name-check?name=Shop",
        "/projects/name-check?name=x&slug=shop",
    ] {
        let answer = browser.get(probe).await;
        assert_eq!(answer.status, StatusCode::OK, "{answer}");
        for telltale in ["already", "taken", "suffix"] {
            assert!(!answer.text.contains(telltale), "{probe}: {answer}");
        }
    }
    // Their own project's slug is still reported as taken.
    let own = browser
        .get("/projects/name-check?name=x&slug=storefront")
        .await;
    assert!(own.text.contains("taken"), "{own}");
}
