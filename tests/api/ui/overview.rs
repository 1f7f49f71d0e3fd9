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
