//! The favicon: an SVG among the static files, served like them, linked from every page.

use crate::helpers::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn the_favicon_is_an_svg_cached_like_the_other_static_files() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let icon = browser.get("/static/favicon.svg").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.header("content-type"), "image/svg+xml");
    assert!(icon.text.starts_with("<svg"));
    let style = browser.get("/static/style.css").await;
    assert_eq!(icon.header("cache-control"), style.header("cache-control"));
    let login = browser.get("/login").await;
    assert!(login
        .text
        .contains(r#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#));
}
