//! `GET /api/v1/audit`: newest first, filters, cursor paging, actor names kept after the actor
//! is gone, and refusals.

use crate::helpers::TestApp;
use envkeep::db::DbError;
use envkeep::service::Actor;
use envkeep::store::Touched;
use envkeep::time::now_millis;
use serde_json::Value;
use std::collections::HashSet;

/// Writes 1,000 events: every third in project `p1`, every other by user `u-even`, actions
/// alternating between `test.a` and `test.b`, one second apart from `start`.
fn thousand_events(app: &TestApp, start: i64) {
    app.state
        .store
        .write_blocking(|tx| {
            for i in 0..1_000i64 {
                let actor = Actor {
                    kind: "user",
                    id: Some(String::from(if i % 2 == 0 { "u-even" } else { "u-odd" })),
                    name: None,
                    ip: None,
                };
                let action = if i % 2 == 0 { "test.a" } else { "test.b" };
                let project = (i % 3 == 0).then_some("p1");
                actor.record(
                    tx,
                    start + i * 1_000,
                    action,
                    project,
                    serde_json::json!({ "i": i }),
                )?;
            }
            Ok::<_, DbError>(((), Touched::nothing()))
        })
        .unwrap();
}

/// Every page of `query` (without cursor), following `nextCursor`; the events in order.
async fn all_pages(app: &TestApp, query: &str) -> (Vec<Value>, usize) {
    let (mut events, mut pages, mut cursor) = (Vec::new(), 0, String::new());
    loop {
        let page = app
            .as_admin()
            .get(&format!("/api/v1/audit?{query}&cursor={cursor}"))
            .await;
        assert_eq!(page.status, 200, "{page}");
        pages += 1;
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return (events, pages),
        }
    }
}

#[tokio::test]
async fn a_thousand_events_page_newest_first_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    thousand_events(&app, now_millis());
    let (events, pages) = all_pages(&app, "action=test.a&limit=200").await;
    assert_eq!(events.len(), 500);
    assert_eq!(pages, 3, "two full pages of 200 and one of 100");
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 500);
    let (all, _) = all_pages(&app, "limit=500").await;
    assert!(all.len() >= 1_000);
}

#[tokio::test]
async fn filters_narrow_by_project_actor_action_and_time() {
    let app = TestApp::spawn().await;
    let start = now_millis();
    thousand_events(&app, start);
    let (in_p1, _) = all_pages(&app, "projectId=p1&limit=500").await;
    assert_eq!(in_p1.len(), 334);
    assert!(in_p1.iter().all(|e| e["projectId"] == "p1"));
    let (even, _) = all_pages(
        &app,
        "actorKind=user&actorId=u-even&action=test.a&limit=500",
    )
    .await;
    assert_eq!(even.len(), 500);
    let (odd_a, _) = all_pages(&app, "actorId=u-odd&action=test.a").await;
    assert!(odd_a.is_empty());
    // Ten seconds of events: i = 10..20.
    let from = envkeep::time::rfc3339(start + 10_000);
    let to = envkeep::time::rfc3339(start + 20_000);
    let (window, _) = all_pages(&app, &format!("action=test.a&from={from}&to={to}")).await;
    let is: Vec<i64> = window
        .iter()
        .map(|e| e["detail"]["i"].as_i64().unwrap())
        .collect();
    assert_eq!(is, vec![18, 16, 14, 12, 10]);
}

#[tokio::test]
async fn an_event_shows_who_what_and_where_but_never_a_value() {
    let app = TestApp::spawn().await;
    let project = app.create_project("shown").await;
    app.create_secret(&project, "dev", "/", "API_KEY", "hunter2-value")
        .await;
    let page = app
        .as_admin()
        .get(&format!(
            "/api/v1/audit?projectId={project}&action=secret.create"
        ))
        .await;
    let event = &page["events"][0];
    assert_eq!(event["actor"]["kind"], "user", "{page}");
    assert_eq!(event["actor"]["name"], crate::helpers::ADMIN_EMAIL);
    assert_eq!(event["environment"], "dev");
    assert_eq!(event["key"], "API_KEY");
    assert!(event["id"].is_i64());
    assert!(!page.text.contains("hunter2-value"));
}

#[tokio::test]
async fn a_revoked_token_keeps_its_name_in_the_log() {
    let app = TestApp::spawn().await;
    let project = app.create_project("named").await;
    let (token, id) = app
        .mint_scoped(&project, "deploy-bot", "dev", "/**", &["read", "write"])
        .await;
    let body = serde_json::json!({ "environment": "dev", "path": "/", "key": "K", "value": "v" });
    let created = app.as_token(&token).post_secret(&project, body).await;
    assert_eq!(created.status, 201, "{created}");
    app.revoke(&project, &id).await;
    let page = app
        .as_admin()
        .get(&format!(
            "/api/v1/audit?actorKind=service_token&actorId={id}"
        ))
        .await;
    assert_eq!(page["events"][0]["actor"]["name"], "deploy-bot", "{page}");
}

#[tokio::test]
async fn a_malformed_limit_cursor_or_time_is_a_400() {
    let app = TestApp::spawn().await;
    for query in [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=abc",
        "cursor=-3",
        "from=yesterday",
    ] {
        let answer = app.as_admin().get(&format!("/api/v1/audit?{query}")).await;
        answer.assert_error(reqwest::StatusCode::BAD_REQUEST, "BadRequest");
    }
}

#[tokio::test]
async fn the_log_is_refused_to_service_tokens_and_strangers() {
    let app = TestApp::spawn().await;
    let project = app.create_project("closed").await;
    let (token, _) = app.mint_scoped(&project, "t", "dev", "/", &["read"]).await;
    for path in ["/api/v1/audit", "/api/v1/audit/verify"] {
        assert_eq!(app.anonymous().get(path).await.status, 401);
        let by_token = app.as_token(&token).get(path).await;
        assert!(matches!(by_token.status.as_u16(), 401 | 403), "{by_token}");
    }
}
