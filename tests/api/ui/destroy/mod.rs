//! Destructive actions and the project forms in the UI (issue 20 items 3 and 4): deleting an environment (its name typed when
//! it holds secrets; the live tokens that block it listed before anything is pressed) and a
//! folder (the counts it removes; the refusal an import causes).

mod environments;
mod folders;
mod projects;

use crate::helpers::{Browser, TestApp};

/// A project "Shop", the harness browser and its CSRF token.
async fn shop() -> (TestApp, String, Browser, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    (app, project, browser, csrf)
}

/// How many `<button …class="btn btn-danger"` a page has: the destructive button, if offered.
fn danger_buttons(html: &str) -> usize {
    html.matches("class=\"btn btn-danger\"").count()
}
