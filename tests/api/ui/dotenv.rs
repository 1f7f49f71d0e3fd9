//! `.env` in and out of a folder through the UI: a preview from the batch's dry run that writes
//! nothing, a confirmation that posts the text again and applies it, errors on their lines, a
//! 1 MiB file, and "Download .env" reading back through the import exactly.

use super::{secrets_form, secrets_page};
use crate::helpers::{Answer, Browser, TestApp};
use reqwest::StatusCode;

async fn importing() -> (TestApp, String, Browser, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Dotenv").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    (app, project, browser, csrf)
}

async fn import(
    browser: &Browser,
    project: &str,
    csrf: &str,
    text: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut fields = vec![("csrf_token", csrf), ("path", "/app"), ("dotenv", text)];
    fields.extend_from_slice(extra);
    browser
        .post_form(&secrets_form(project, "import"), &fields)
        .await
}

#[tokio::test]
async fn the_preview_lists_what_would_change_and_writes_nothing() {
    let (app, project, browser, csrf) = importing().await;
    let admin = app.as_admin();
    admin
        .create_secret(&project, "dev", "/app", "SAME", "1")
        .await;
    admin
        .create_secret(&project, "dev", "/app", "OTHER", "old")
        .await;
    let preview = import(
        &browser,
        &project,
        &csrf,
        "NEW=a\r\nSAME=1\r\nOTHER=new\r\n",
        &[("overwrite", "1")],
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{preview}");
    let text = &preview.text;
    assert!(
        text.contains("New <span class=\"count\">1</span>"),
        "{text}"
    );
    assert!(text.contains("Overwritten <span class=\"count\">1</span>"));
    assert!(text.contains("Unchanged <span class=\"count\">1</span>"));
    assert!(text.contains("name=\"apply\""));
    let absent = admin.get_secret(&project, "dev", "/app", "NEW").await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    assert_eq!(
        admin.get_secret(&project, "dev", "/app", "OTHER").await["secret"]["value"],
        "old"
    );
}

#[tokio::test]
async fn the_confirmation_applies_the_text_it_posts_again() {
    let (app, project, browser, csrf) = importing().await;
    let applied = import(
        &browser,
        &project,
        &csrf,
        "A=1\nB=\"two\\nlines\"\nC='$HOME'\n",
        &[("apply", "1")],
    )
    .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{applied}");
    assert!(applied.location().ends_with("notice=env-imported"));
    let admin = app.as_admin();
    assert_eq!(
        admin.get_secret(&project, "dev", "/app", "B").await["secret"]["value"],
        "two\nlines"
    );
    assert_eq!(
        admin.get_secret(&project, "dev", "/app", "C").await["secret"]["value"],
        "$HOME"
    );
}

#[tokio::test]
async fn parse_and_validation_errors_name_their_lines() {
    let (_app, project, browser, csrf) = importing().await;
    let unterminated = import(&browser, &project, &csrf, "A=1\n\nB=\"open\n", &[]).await;
    assert_eq!(unterminated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unterminated.text.contains("Line 3:"),
        "{}",
        unterminated.text
    );
    let too_big = format!("A=1\nBIG={}\n", "v".repeat(65_537));
    let refused = import(&browser, &project, &csrf, &too_big, &[("apply", "1")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Line 2:"));
}

#[tokio::test]
async fn a_1_mib_file_is_previewed_and_anything_larger_is_refused() {
    let (_app, project, browser, csrf) = importing().await;
    let line = |i: usize| format!("KEY_{i:02}=\"{}\"\n", "a b".repeat(20_000));
    let mut text = String::new();
    let mut i = 0;
    while text.len() + line(i).len() <= 1024 * 1024 {
        text.push_str(&line(i));
        i += 1;
    }
    text.push_str(&"#".repeat(1024 * 1024 - 1 - text.len()));
    text.push('\n');
    assert_eq!(text.len(), 1024 * 1024);
    let preview = import(&browser, &project, &csrf, &text, &[]).await;
    assert_eq!(
        preview.status,
        StatusCode::OK,
        "{}",
        &preview.text[..200.min(preview.text.len())]
    );
    text.push('#');
    let refused = import(&browser, &project, &csrf, &text, &[]).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_import_without_the_csrf_token_is_refused() {
    let (_app, project, browser, _csrf) = importing().await;
    let refused = import(&browser, &project, "", "A=1\n", &[("apply", "1")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_downloaded_env_imports_back_unchanged() {
    let (app, project, browser, csrf) = importing().await;
    let admin = app.as_admin();
    let tricky = "pa$$ \"quoted\" \\ back\nslash #not a comment";
    admin
        .create_secret(&project, "dev", "/app", "TRICKY", tricky)
        .await;
    admin
        .create_secret(&project, "dev", "/app", "PLAIN", "x")
        .await;
    let download = browser
        .get(&format!(
            "{}/export?path=/app",
            secrets_page(&project, "dev")
        ))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.header("content-disposition"),
        "attachment; filename=\"dev_app.env\""
    );
    assert_eq!(download.header("cache-control"), "no-store");
    let again = import(&browser, &project, &csrf, &download.text, &[]).await;
    assert!(
        again
            .text
            .contains("Unchanged <span class=\"count\">2</span>"),
        "{}",
        download.text
    );
    assert!(again.text.contains("New <span class=\"count\">0</span>"));
}
