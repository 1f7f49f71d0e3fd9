//! The admin UI's History, Trash and "Restore this folder to…" pages, without JavaScript (plain
//! GETs and form POSTs, as a browser with scripts off sends them).

use super::edited_four_times;
use crate::helpers::TestApp;
use envkeep::time::{now_millis, rfc3339};
use reqwest::StatusCode;

fn page(project: &str, rest: &str) -> String {
    format!("/projects/{project}/secrets/dev/{rest}")
}

#[tokio::test]
async fn the_history_page_lists_versions_with_values_masked_and_restore_links() {
    let app = TestApp::spawn().await;
    let project = app.create_project("screens").await;
    edited_four_times(&app, &project, "SHOWN").await;
    let browser = app.browser();
    let shown = browser
        .get(&page(&project, "history?path=/&key=SHOWN"))
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{shown}");
    assert_eq!(shown.text.matches("class=\"version-row\"").count(), 4);
    assert!(
        shown.text.contains("<details class=\"reveal\">"),
        "values are masked until revealed"
    );
    // Every version but the current one offers Restore (askama escapes `&` as `&#38;`).
    let restore_links = shown
        .text
        .matches("history/restore?path=/&#38;key=SHOWN&#38;version=")
        .count();
    assert_eq!(restore_links, 3, "{}", shown.text);
}

#[tokio::test]
async fn restoring_from_the_history_page_asks_first_then_restores() {
    let app = TestApp::spawn().await;
    let project = app.create_project("screens").await;
    edited_four_times(&app, &project, "BACK").await;
    let browser = app.browser();
    let asked = browser
        .get(&page(&project, "history/restore?path=/&key=BACK&version=1"))
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.text.contains("Restore version 1 of BACK?"),
        "{}",
        asked.text
    );
    let csrf = browser.csrf_token().await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("path", "/"),
        ("key", "BACK"),
        ("version", "1"),
    ];
    let done = browser
        .post_form(&page(&project, "history/restore"), &fields)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{done}");
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/", "BACK")
        .await;
    assert_eq!(live["secret"]["value"], "v1");
}

#[tokio::test]
async fn the_trash_page_restores_a_deleted_secret() {
    let app = TestApp::spawn().await;
    let project = app.create_project("screens").await;
    app.create_secret(&project, "dev", "/app", "GONE", "v1")
        .await;
    app.as_admin()
        .delete_secret(&project, "dev", "/app", "GONE")
        .await;
    let browser = app.browser();
    let listed = browser.get(&page(&project, "trash")).await;
    assert!(listed.text.contains("GONE"), "{}", listed.text);
    let id = super::trash(&app.as_admin(), &project, "dev").await["secrets"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = browser.csrf_token().await;
    let done = browser
        .post_form(
            &page(&project, "trash/restore"),
            &[("csrf_token", &csrf), ("id", &id)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{done}");
    assert!(done.location().contains("path=/app"), "{}", done.location());
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/app", "GONE")
        .await;
    assert_eq!(live["secret"]["value"], "v1");
}

#[tokio::test]
async fn restoring_a_folder_previews_the_dry_run_then_applies_on_confirmation() {
    let app = TestApp::spawn().await;
    let project = app.create_project("screens").await;
    app.create_secret(&project, "dev", "/", "KEPT", "then")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let at = rfc3339(now_millis());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.as_admin()
        .update_secret(&project, "dev", "/", "KEPT", "now")
        .await;
    let browser = app.browser();
    let form = browser.get(&page(&project, "restore?path=/")).await;
    assert!(
        form.text.contains("type=\"datetime-local\""),
        "{}",
        form.text
    );
    let preview = browser
        .get(&page(&project, &format!("restore?path=/&at={at}")))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{preview}");
    assert!(preview.text.contains("1 changed back"), "{}", preview.text);
    let unchanged = app
        .as_admin()
        .get_secret(&project, "dev", "/", "KEPT")
        .await;
    assert_eq!(
        unchanged["secret"]["value"], "now",
        "the preview changes nothing"
    );
    let csrf = browser.csrf_token().await;
    let done = browser
        .post_form(
            &page(&project, "restore"),
            &[("csrf_token", &csrf), ("path", "/"), ("at", &at)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{done}");
    let live = app
        .as_admin()
        .get_secret(&project, "dev", "/", "KEPT")
        .await;
    assert_eq!(live["secret"]["value"], "then");
}
