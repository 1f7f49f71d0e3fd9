use crate::helpers::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_answers_ok_with_security_headers() {
    let app = TestApp::spawn().await;
    let health = app.anonymous().get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.header("x-content-type-options"), "nosniff");
    assert_eq!(health.header("referrer-policy"), "no-referrer");
    assert!(health
        .header("content-security-policy")
        .contains("frame-ancestors 'none'"));
    assert_eq!(health.text, r#"{"status":"ok","lastBackup":null}"#);
}
