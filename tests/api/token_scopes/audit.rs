use super::seeded;
use crate::helpers::{eventually, TestApp};
use reqwest::StatusCode;

/// The `reason` of each audited denial of token `id`, oldest first.
fn denial_reasons(app: &TestApp, id: &str) -> Vec<String> {
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare("SELECT json_extract(detail, '$.reason') FROM audit_events WHERE action = 'service_token.denied' AND actor_id = ?1 ORDER BY id")
        .unwrap();
    let reasons = stmt
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    reasons
}

#[tokio::test]
async fn denied_token_uses_are_audited() {
    let (app, project) = seeded().await;
    let (token, id) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    let denied = app
        .as_token(&token)
        .list_secrets(&project, "dev", "/other")
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let wrong = format!("st.{id}.{}", "0".repeat(32));
    let refused = app
        .as_token(&wrong)
        .list_secrets(&project, "dev", "/app")
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    // The audit rows are written off the request path; wait for them, bounded.
    eventually("both denials audited", async || {
        denial_reasons(&app, &id).len() == 2
    })
    .await;
    let reasons = denial_reasons(&app, &id);
    assert!(
        reasons.contains(&"out_of_scope".to_owned())
            && reasons.contains(&"wrong_secret".to_owned()),
        "{reasons:?}"
    );
}
