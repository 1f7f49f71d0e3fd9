//! The one-time page recaps what the new token was granted and gives copyable ways to use it,
//! filled with the public URL and the token; the table shows each token's `st.<id>` prefix and
//! relative times with the full UTC on hover.

use crate::helpers::{access_part, TestApp};
use crate::ui::{new_token_page, token_form, tokens_page};
use reqwest::StatusCode;

/// The page as a reader sees its text: quotes and ampersands unescaped.
fn text_of(html: &str) -> String {
    html.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Creates a Read+Write token for dev:/app/** and staging:/ expiring in 7 days; returns
/// (project, one-time page HTML, token).
async fn created(app: &TestApp) -> (String, String, String) {
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    let form = token_form(
        &csrf,
        "ci",
        &[("dev", "/app/**"), ("staging", "/")],
        &[
            ("perm_write", "1"),
            ("expiration", "604800"),
            ("allowed_ips", "10.0.0.0/8"),
            ("create", "1"),
        ],
    );
    let minted = browser.post_form(&new_token_page(&project), &form).await;
    assert_eq!(minted.status, StatusCode::SEE_OTHER, "{}", minted.text);
    let page = browser.get(minted.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.text.find("id=\"token-value\"").unwrap();
    let token = page.text[start..]
        .split("value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    (project, page.text, token)
}

#[tokio::test]
async fn the_one_time_page_recaps_scopes_permissions_expiry_and_ips() {
    let app = TestApp::spawn().await;
    let (_, html, _) = created(&app).await;
    for shown in [
        "<span class=\"chip\">dev · /app/**</span> <span class=\"muted\">matches /app and everything below it</span>",
        "<span class=\"chip\">staging · /</span> <span class=\"muted\">matches the root folder only, not the folders inside it</span>",
        "<dd>Read, Write</dd>",
        "(in 7 days; the last moment is",
        "<code class=\"ip\">10.0.0.0/8</code>",
    ] {
        assert!(html.contains(shown), "missing {shown}");
    }
}

#[tokio::test]
async fn the_snippets_are_filled_with_the_public_url_and_the_token() {
    let app =
        TestApp::spawn_with(|c| c.public_url = Some("https://secrets.example.com".into())).await;
    let (project, html, token) = created(&app).await;
    let html = text_of(&html);
    assert!(html.contains(&format!(
        "ENVKEEP_URL=https://secrets.example.com ENVKEEP_TOKEN={token} envkeep run --env dev -- ./your-app"
    )));
    assert!(html.contains(
        "    ENVKEEP_URL: https://secrets.example.com\n    ENVKEEP_TOKEN: ${{ secrets.ENVKEEP_TOKEN }}\n  run: envkeep run --env dev -- ./your-app"
    ));
    assert!(html.contains("new InfisicalSDK({ siteUrl: \"https://secrets.example.com\" });"));
    assert!(html.contains(&format!("sdk.auth().accessToken(\"{token}\");")));
    assert!(html.contains(&format!("projectId: \"{project}\"")));
    assert!(html.contains("secretPath: \"/app\""));
    assert!(html.contains(&format!(
        "InfisicalSDKClient(host=\"https://secrets.example.com\", token=\"{token}\")"
    )));
    assert!(
        !html.contains("ENVKEEP_PUBLIC_URL</code> to the address"),
        "no guess note"
    );
}

#[tokio::test]
async fn without_a_public_url_the_snippets_use_the_address_of_the_page_with_a_note() {
    let app = TestApp::spawn().await;
    let (_, html, token) = created(&app).await;
    let host = app.base.trim_start_matches("http://");
    assert!(html.contains(&format!("ENVKEEP_URL=http://{host} ENVKEEP_TOKEN={token}")));
    assert!(html.contains("set <code>ENVKEEP_PUBLIC_URL</code> to the address clients use"));
}

#[tokio::test]
async fn the_table_shows_the_token_id_prefix_and_relative_times_with_full_utc_on_hover() {
    let app = TestApp::spawn().await;
    let (project, _, token) = created(&app).await;
    let id = access_part(&token).split('.').nth(1).unwrap().to_owned();
    let browser = app.browser();
    let table = browser.get(&tokens_page(&project)).await;
    assert!(
        table.text.contains(&format!(">st.{}…</code>", &id[..8])),
        "prefix shown"
    );
    assert!(table.text.contains("\">in 7 days</time>"), "relative first");
    let utc_title = table
        .text
        .split("title=\"")
        .filter(|t| t.len() > 23 && t.as_bytes()[23] == b'"')
        .count();
    assert!(
        utc_title >= 2,
        "expiry and creation carry `YYYY-MM-DD HH:MM:SS UTC` titles"
    );
    let found = browser
        .get(&format!("{}?q=st.{}", tokens_page(&project), &id[..8]))
        .await;
    assert!(
        found.text.contains("token-name\">ci<"),
        "the prefix finds its row"
    );
}
