//! The secrets browser shows a damaged secret as such, with a Delete that works.

use super::damaged;
use crate::helpers::TestApp;
use reqwest::StatusCode;

fn folder_page(project: &str) -> String {
    format!("/projects/{project}/secrets/dev?path=/")
}

#[tokio::test]
async fn the_browser_marks_a_damaged_secret_and_deletes_it() {
    let (app, project): (TestApp, String) = damaged().await;
    let browser = app.browser();
    let page = browser.get(&folder_page(&project)).await;
    assert_eq!(page.status, StatusCode::OK, "{page}");
    assert!(page.text.contains("class=\"damaged\""), "{}", page.text);
    let delete = format!("/projects/{project}/secrets/dev/delete?path=/&#38;key=A");
    assert!(
        page.text.contains(&delete),
        "no Delete for A: {}",
        page.text
    );
    let confirm = browser
        .get(&format!(
            "/projects/{project}/secrets/dev/delete?path=/&key=A"
        ))
        .await;
    assert_eq!(confirm.status, StatusCode::OK, "{confirm}");
    let csrf = browser.csrf_token().await;
    let deleted = browser
        .post_form(
            &format!("/projects/{project}/secrets/dev/delete"),
            &[("csrf_token", &csrf), ("path", "/"), ("key", "A")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{deleted}");
    let after = browser.get(&folder_page(&project)).await;
    assert!(!after.text.contains("class=\"damaged\""), "{}", after.text);
}
