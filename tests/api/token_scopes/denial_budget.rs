//! Denial audit rows are budgeted per event kind and per token: a flood of anonymous failed logins
//! cannot silence a token's denials, and what a spent budget holds back is summed up in one row.

use super::seeded;
use crate::helpers::{eventually, TestApp};
use reqwest::StatusCode;

/// More events than any one budget admits in a minute.
const FLOOD: usize = 65;

fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    app.sqlite().query_row(sql, [id], |r| r.get(0)).unwrap()
}

/// Rows for single denials of token `id` (aggregate rows excluded).
fn single_denials(app: &TestApp, id: &str) -> i64 {
    count(app, "SELECT count(*) FROM audit_events WHERE action = 'service_token.denied' AND actor_id = ?1 AND json_extract(detail, '$.more') IS NULL", id)
}

/// The denials of token `id` the aggregate rows sum up.
fn aggregated_denials(app: &TestApp, id: &str) -> i64 {
    count(app, "SELECT coalesce(sum(json_extract(detail, '$.more')), 0) FROM audit_events WHERE action = 'service_token.denied' AND actor_id = ?1", id)
}

#[tokio::test]
async fn made_up_logins_do_not_use_up_the_budget_of_a_tokens_denials() {
    let (app, project) = seeded().await;
    let (token, id) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    for i in 0..FLOOD {
        let email = format!("nobody-{i}@example.com");
        let failed = app.anonymous().login(&email, "wrong password").await;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED, "{failed}");
    }
    for _ in 0..5 {
        let denied = app
            .as_token(&token)
            .list_secrets(&project, "dev", "/other")
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{denied}");
    }
    eventually("the token's five denials audited", async || {
        single_denials(&app, &id) == 5
    })
    .await;
}

#[tokio::test]
async fn a_spent_budget_is_summed_up_in_one_aggregate_row() {
    let (app, project) = seeded().await;
    let (token, id) = app
        .mint_scoped(&project, "app", "dev", "/app", &["read"])
        .await;
    for _ in 0..FLOOD {
        let denied = app
            .as_token(&token)
            .list_secrets(&project, "dev", "/other")
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{denied}");
    }
    // The minute is not over: stopping the server closes the budget's window early.
    app.stop().await;
    eventually("every denial audited or summed up", async || {
        let summed = aggregated_denials(&app, &id);
        single_denials(&app, &id) + summed == FLOOD as i64 && summed > 0
    })
    .await;
    let rows = count(&app, "SELECT count(*) FROM audit_events WHERE actor_id = ?1 AND json_extract(detail, '$.more') IS NOT NULL", &id);
    assert_eq!(rows, 1, "one aggregate row");
    let summary: String = app
        .sqlite()
        .query_row("SELECT json_extract(detail, '$.summary') FROM audit_events WHERE actor_id = ?1 AND json_extract(detail, '$.more') IS NOT NULL", [&id], |r| r.get(0))
        .unwrap();
    assert!(
        summary.contains(&id) && summary.contains("more denials"),
        "{summary}"
    );
}
