//! A failed login is audited with the e-mail typed, but only when it is one: people type
//! passwords into the e-mail field, and the audit trail must not keep them.

use crate::helpers::{eventually, TestApp, ADMIN_EMAIL};
use reqwest::StatusCode;

fn audited_emails(app: &TestApp) -> Vec<String> {
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare(
            "SELECT json_extract(detail, '$.email') FROM audit_events
             WHERE action = 'session.login_failed' ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn a_failed_login_audits_the_typed_email_only_when_it_parses_as_one() {
    let app = TestApp::spawn().await;
    for typed in [
        ADMIN_EMAIL,
        "correct-horse-battery",
        "  Pa$$word with spaces  ",
    ] {
        let refused = app.anonymous().login(typed, "not-the-password").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
    eventually("three failed logins are audited", async || {
        audited_emails(&app).len() == 3
    })
    .await;
    assert_eq!(
        audited_emails(&app),
        [
            ADMIN_EMAIL,
            "(not an e-mail, 21 chars)",
            "(not an e-mail, 20 chars)"
        ]
    );
}
