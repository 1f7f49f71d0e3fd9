//! The Overview (a folder in every environment at once) and environment tabs that keep the folder.

use super::secrets_page;
use crate::helpers::TestApp;
use reqwest::StatusCode;

/// The `<tr>` of `key` on an overview page.
fn key_row<'a>(html: &'a str, key: &str) -> &'a str {
    let start = html.find(&format!("title=\"{key}\"")).expect("key listed");
    let row_start = html[..start].rfind("<tr").unwrap();
    let row_end = start + html[start..].find("</tr>").unwrap();
    &html[row_start..row_end]
}

#[tokio::test]
async fn the_overview_marks_keys_missing_or_different_between_environments() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Overview").await;
    let admin = app.as_admin();
    for (env, key, value) in [
        ("dev", "DB_URL", "same"),
        ("staging", "DB_URL", "same"),
        ("prod", "DB_URL", "same"),
        ("dev", "API_KEY", "a"),
        ("staging", "API_KEY", "b"),
        ("prod", "API_KEY", "a"),
        ("dev", "ONLY_DEV", "x"),
    ] {
        admin.create_secret(&project, env, "/app", key, value).await;
    }
    let page = app
        .browser()
        .get(&format!("/projects/{project}/overview?path=/app"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let same = key_row(&page.text, "DB_URL");
    assert!(!same.contains("Missing") && !same.contains("Different"));
    let differs = key_row(&page.text, "API_KEY");
    assert!(differs.contains("Different") && !differs.contains("Missing"));
    assert_eq!(differs.matches("class=\"letter\"").count(), 3);
    let only = key_row(&page.text, "ONLY_DEV");
    assert!(only.contains("Missing"));
    assert_eq!(only.matches(">missing<").count(), 2);
}

#[tokio::test]
async fn environment_tabs_keep_the_folder_even_where_it_does_not_exist_yet() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Tabs").await;
    app.as_admin()
        .create_secret(&project, "dev", "/app/db", "K", "v")
        .await;
    let browser = app.browser();
    let dev = browser
        .get(&format!("{}?path=/app/db", secrets_page(&project, "dev")))
        .await;
    let staging = format!("{}?path=/app/db", secrets_page(&project, "staging"));
    assert!(
        dev.text.contains(&format!("href=\"{staging}\"")),
        "{}",
        dev.text
    );
    let there = browser.get(&staging).await;
    assert_eq!(there.status, StatusCode::OK);
    assert!(there.text.contains("Nothing in <code>/app/db</code> yet"));
}

#[tokio::test]
async fn a_dev_only_member_sees_only_the_dev_column_in_the_overview() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Scoped").await;
    let admin = app.as_admin();
    for env in ["dev", "staging", "prod"] {
        admin
            .create_secret(&project, env, "/", "SHARED", &format!("{env}-secret"))
            .await;
    }
    let user = app
        .member_of(
            &project,
            "dev-only@example.com",
            "developer",
            Some(&["dev"]),
        )
        .await;
    let browser = app.new_browser();
    let login = browser
        .log_in_as(&user.email, crate::helpers::team::USER_PASSWORD)
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{login}");
    let page = browser.get(&format!("/projects/{project}/overview")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("dev-secret"));
    assert!(!page.text.contains("staging-secret") && !page.text.contains("prod-secret"));
    assert!(!page.text.contains(">Staging<") && !page.text.contains(">Production<"));
    assert!(page.text.contains("2 environments are not shown"));
}
