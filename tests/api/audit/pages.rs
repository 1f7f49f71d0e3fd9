//! The Activity pages of the admin UI: the instance's and a project's audit log with filters and
//! paging, and a token's usage page.

use crate::helpers::TestApp;
use envkeep::db::DbError;
use envkeep::service::Actor;
use envkeep::store::Touched;
use envkeep::time::now_millis;

#[tokio::test]
async fn the_instance_activity_page_lists_who_did_what_and_where() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "dev", "/", "API_KEY", "hunter2-value")
        .await;
    let page = app.browser().get("/activity").await;
    assert_eq!(page.status, 200, "{page}");
    assert!(page.text.contains("secret.create"));
    assert!(page.text.contains("dev:/ API_KEY"));
    assert!(page.text.contains(crate::helpers::ADMIN_EMAIL));
    assert!(!page.text.contains("hunter2-value"));
}

#[tokio::test]
async fn a_projects_activity_shows_only_its_events_filtered_by_action() {
    let app = TestApp::spawn().await;
    let shop = app.create_project("Shop").await;
    let other = app.create_project("Other").await;
    app.create_secret(&shop, "dev", "/", "IN_SHOP", "v").await;
    app.create_secret(&other, "dev", "/", "IN_OTHER", "v").await;
    let page = app
        .browser()
        .get(&format!("/projects/{shop}/activity?action=secret.create"))
        .await;
    assert_eq!(page.status, 200, "{page}");
    assert!(page.text.contains("IN_SHOP"));
    assert!(!page.text.contains("IN_OTHER"));
    assert!(!page.text.contains("project.create"));
    assert!(page.text.contains(r#"aria-current="page">Activity"#));
}

#[tokio::test]
async fn the_activity_page_pages_with_an_older_link_and_refuses_a_bad_date() {
    let app = TestApp::spawn().await;
    app.state
        .store
        .write_blocking(|tx| {
            for i in 0..60 {
                let detail = serde_json::json!({ "summary": format!("event-{i:02}") });
                Actor::system().record(tx, now_millis(), "test.paged", None, detail)?;
            }
            Ok::<_, DbError>(((), Touched::nothing()))
        })
        .unwrap();
    let first = app.browser().get("/activity?action=test.paged").await;
    assert!(first.text.contains("event-59") && !first.text.contains("event-09"));
    let older = first
        .text
        .split("href=\"")
        .find(|s| s.starts_with("/activity?action=test.paged&#38;cursor="))
        .map(|s| s.split('"').next().unwrap().replace("&#38;", "&"))
        .unwrap_or_else(|| panic!("an Older events link: {}", first.text));
    let second = app.browser().get(&older).await;
    assert!(second.text.contains("event-09") && !second.text.contains("event-59"));
    let bad = app.browser().get("/activity?from=someday").await;
    assert_eq!(bad.status, 400, "{bad}");
    assert!(bad.text.contains("from must be"));
}

#[tokio::test]
async fn a_tokens_usage_page_shows_its_reads() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    app.create_secret(&project, "dev", "/", "K", "v").await;
    let (token, id) = app
        .mint_scoped(&project, "reader", "dev", "/", &["read"])
        .await;
    for _ in 0..3 {
        assert_eq!(
            app.as_token(&token)
                .list_secrets(&project, "dev", "/")
                .await
                .status,
            200
        );
    }
    let tokens = app
        .browser()
        .get(&format!(
            "/projects/{project}/access-control/service-tokens"
        ))
        .await;
    let usage_href = format!("/projects/{project}/access-control/service-tokens/{id}/usage");
    assert!(tokens.text.contains(&usage_href), "{tokens}");
    let page = app.browser().get(&usage_href).await;
    assert_eq!(page.status, 200, "{page}");
    assert!(
        page.text
            .contains("<code>dev:/</code></td><td data-label=\"Reads\">3</td>"),
        "{page}"
    );
}
