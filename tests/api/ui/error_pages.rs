//! Error pages keep their status and the layout; every page carries the security headers.

use super::secrets_page;
use crate::helpers::{Answered, TestApp};
use reqwest::header::AUTHORIZATION;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn an_unknown_page_is_404_in_the_layout() {
    let app = TestApp::spawn().await;
    let unknown = app.browser().get("/no/such/page").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.text.contains("class=\"topbar\""));
}

#[tokio::test]
async fn a_missing_projects_page_is_404_saying_so() {
    let app = TestApp::spawn().await;
    let missing = app
        .browser()
        .get(&secrets_page(&"0".repeat(32), "dev"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("Error 404") && missing.text.contains("was not found"));
}

/// A valid service token is refused with 403 (a bad one would be a 401 like any bad
/// credential, and the UI sends those to the login page).
#[tokio::test]
async fn a_page_requested_with_a_service_token_is_403() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Token holder").await;
    let (token, _) = app.mint_scoped(&project, "t", "dev", "/", &["read"]).await;
    let refused = app
        .new_browser()
        .request(Method::GET, "/projects")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .answer()
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("Error 403"));
}

#[tokio::test]
async fn a_wrong_method_on_a_page_is_405() {
    let app = TestApp::spawn().await;
    let wrong = app
        .browser()
        .request(Method::DELETE, "/projects")
        .answer()
        .await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let page = app.browser().get("/projects").await;
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert!(!page.header("referrer-policy").is_empty());
    assert!(
        !page.text.contains("<script>")
            && !page.text.contains(" style=\"")
            && !page.text.contains(" onclick="),
        "no inline script or style"
    );
}

/// Follows at most a few redirects from `path`; every status on the way.
async fn statuses_along(browser: &crate::helpers::Browser, path: &str) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    let mut next = path.to_owned();
    for _ in 0..4 {
        let page = browser.get(&next).await;
        statuses.push(page.status);
        if page.status != StatusCode::SEE_OTHER {
            break;
        }
        next = page.location().to_owned();
    }
    statuses
}

#[tokio::test]
async fn a_cr_lf_in_a_page_path_ends_in_a_404_never_a_500() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Line breaks").await;
    for path in [
        "/projects/%0D%0A".to_owned(),
        "/projects/a%0D%0Ab/access-control".to_owned(),
        format!("/projects/{project}/secrets/%0D%0A"),
        format!("/projects/{project}/secrets/dev?path=/a%0D%0Ab"),
        format!("/projects/{project}/access-control/service-tokens/%0D%0A/revoke"),
    ] {
        let statuses = statuses_along(&app.browser(), &path).await;
        assert_eq!(
            statuses.last(),
            Some(&StatusCode::NOT_FOUND),
            "{path}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| !s.is_server_error()),
            "{path}: {statuses:?}"
        );
    }
}
