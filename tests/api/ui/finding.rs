//! Finding things: the filter (`?q=`), paging at 100 rows, the tokens table's sorting and its
//! "hide expired" toggle, all answered by the server (so they work without JavaScript).

use super::{secrets_page, tokens_page};
use crate::helpers::TestApp;
use envkeep::time::now_millis;
use reqwest::StatusCode;
use serde_json::json;

/// A project whose dev root holds `count` secrets KEY_000…, written as one batch.
async fn with_secrets(count: usize) -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Many").await;
    let secrets: Vec<_> = (0..count)
        .map(|i| json!({ "key": format!("KEY_{i:03}"), "value": format!("value {i}"), "comment": if i == 7 { "the odd one" } else { "" } }))
        .collect();
    let written = app
        .as_admin()
        .write_batch(
            &project,
            json!({ "environment": "dev", "secrets": secrets }),
        )
        .await;
    assert_eq!(written.status, StatusCode::OK, "{written}");
    (app, project)
}

fn rows(html: &str) -> usize {
    html.matches("class=\"secret-row\"").count()
}

#[tokio::test]
async fn a_folder_of_150_secrets_is_shown_100_rows_at_a_time() {
    let (app, project) = with_secrets(150).await;
    let browser = app.browser();
    let first = browser.get(&secrets_page(&project, "dev")).await;
    assert_eq!(rows(&first.text), 100);
    assert!(first.text.contains("1–100 of 150"));
    assert!(first.text.contains("rel=\"next\""));
    let second = browser
        .get(&format!("{}?page=2", secrets_page(&project, "dev")))
        .await;
    assert_eq!(rows(&second.text), 50);
    assert!(second.text.contains("KEY_149") && !second.text.contains("KEY_000<"));
}

#[tokio::test]
async fn the_filter_matches_keys_and_comments_but_never_values() {
    let (app, project) = with_secrets(150).await;
    let browser = app.browser();
    let page = |q: &str| format!("{}?q={q}", secrets_page(&project, "dev"));
    let by_key = browser.get(&page("key_14")).await;
    assert_eq!(rows(&by_key.text), 10, "KEY_140…KEY_149");
    let by_comment = browser.get(&page("ODD")).await;
    assert_eq!(rows(&by_comment.text), 1);
    assert!(by_comment.text.contains("KEY_007"));
    let by_value = browser.get(&page("value%2012")).await;
    assert_eq!(rows(&by_value.text), 0);
    assert!(by_value.text.contains("matches"));
}

#[tokio::test]
async fn the_projects_list_is_filtered_by_name() {
    let app = TestApp::spawn().await;
    app.create_project("Billing API").await;
    app.create_project("Shop").await;
    let found = app.browser().get("/projects?q=bill").await;
    assert!(found.text.contains("Billing API"));
    assert!(!found.text.contains(">Shop<"));
}

/// Token names in the order the tokens table shows them.
fn token_names(html: &str) -> Vec<String> {
    html.split("class=\"token-name\">")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn tokens_sort_by_name_either_way_and_hide_the_expired_ones_on_request() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Tokens").await;
    for name in ["beta", "alpha", "gamma"] {
        app.mint_scoped(&project, name, "dev", "/", &["read"]).await;
    }
    let (_, old) = app
        .mint(&project, json!({ "name": "delta", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": 60 }))
        .await;
    app.sqlite()
        .execute(
            "UPDATE service_tokens SET expires_at = ?2 WHERE id = ?1",
            rusqlite::params![old, now_millis() - 1_000],
        )
        .unwrap();
    let browser = app.browser();
    let listed = |query: &'static str| {
        let url = format!("{}?{query}", tokens_page(&project));
        let browser = &browser;
        async move { token_names(&browser.get(&url).await.text) }
    };
    assert_eq!(
        listed("sort=name").await,
        ["alpha", "beta", "delta", "gamma"]
    );
    assert_eq!(
        listed("sort=name&dir=desc").await,
        ["gamma", "delta", "beta", "alpha"]
    );
    assert_eq!(listed("sort=expires").await[0], "delta");
    assert_eq!(
        listed("sort=name&hide_expired=1").await,
        ["alpha", "beta", "gamma"]
    );
}
