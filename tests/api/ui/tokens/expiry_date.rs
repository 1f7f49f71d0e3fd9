//! A custom expiry date in the token form: the token works through that whole UTC day (it is
//! stored as 23:59:59 UTC of it) and the pages show that date, not the evening before.

use crate::helpers::TestApp;
use crate::ui::{new_token_page, token_form, tokens_page};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

#[tokio::test]
async fn a_custom_date_is_stored_as_its_last_second_and_listed_as_that_date() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let date = (Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(
        &csrf,
        "dated",
        &[("dev", "/")],
        &[
            ("expiration", "custom"),
            ("custom_date", &date),
            ("create", "1"),
        ],
    );
    let created = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);

    let listed = app.as_admin().list_tokens(&project).await;
    let expires = listed["serviceTokens"][0]["expiresAt"].as_str().unwrap();
    assert_eq!(expires, format!("{date}T23:59:59.000Z"));

    let table = browser.get(&tokens_page(&project)).await;
    assert!(
        table
            .text
            .contains(&format!("title=\"{date} 23:59:59 UTC\"")),
        "full UTC on hover"
    );
    assert!(
        table
            .text
            .contains(&format!("<span class=\"muted small\">{date}</span>")),
        "shown as the date picked"
    );
}

#[tokio::test]
async fn today_is_a_valid_custom_date_and_yesterday_is_not() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let yesterday = (Utc::now() - Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let form = token_form(
        &csrf,
        "old",
        &[("dev", "/")],
        &[("expiration", "custom"), ("custom_date", &yesterday)],
    );
    let refused = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Pick today or a later date."));

    let page = browser.get(&new_token_page(&project)).await;
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        page.text.contains(&format!("min=\"{today}\"")),
        "the picker offers today"
    );
    assert!(page.text.contains("expires at 23:59:59 UTC on this date"));
}
