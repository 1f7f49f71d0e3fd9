//! Every answer carries its own request id, a proxy's plain id is kept, and a 5xx body names it.

use super::{is_generated_id, request_id};
use crate::helpers::{paths, Answered, TestApp};
use reqwest::{Method, StatusCode};
use std::collections::HashSet;

/// Makes `key` unreadable: its ciphertext no longer opens, so reading it is a 500.
fn break_secret(app: &TestApp, key: &str) {
    app.sqlite()
        .execute("UPDATE secrets SET value_ct = x'00' WHERE key = ?1", [key])
        .unwrap();
    // The health probe notices outside changes every second; ask now instead of waiting.
    app.state.store.notice_outside_changes_blocking();
}

#[tokio::test]
async fn every_answer_carries_its_own_request_id() {
    let app = TestApp::spawn().await;
    let project = app.create_project("ids").await;
    let (anonymous, admin) = (app.anonymous(), app.as_admin());
    let answers = [
        ("GET /healthz", anonymous.get("/healthz").await),
        ("GET /healthz/", anonymous.get("/healthz/").await),
        ("GET projects", anonymous.get(paths::PROJECTS).await),
        (
            "GET no API route",
            anonymous.get("/api/v1/no-such-route").await,
        ),
        ("GET no page", anonymous.get("/no-such-page").await),
        ("GET /login", anonymous.get("/login").await),
        ("DELETE /healthz", anonymous.delete("/healthz").await),
        ("admin GET projects", admin.get(paths::PROJECTS).await),
        (
            "admin GET project",
            admin.get(&paths::project(&project)).await,
        ),
        (
            "admin POST bad JSON",
            admin
                .request(Method::POST, paths::PROJECTS)
                .header("content-type", "application/json")
                .body("{")
                .answer()
                .await,
        ),
    ];
    let mut seen = HashSet::new();
    for (what, answer) in answers {
        let id = request_id(&answer, what);
        assert!(is_generated_id(&id), "{id:?} on {what}");
        assert!(seen.insert(id.clone()), "{id} given twice");
    }
}

#[tokio::test]
async fn a_plain_request_id_from_a_proxy_is_kept_and_anything_else_is_replaced() {
    let app = TestApp::spawn().await;
    let send = async |presented: String| {
        app.anonymous()
            .request(Method::GET, "/healthz")
            .header("x-request-id", presented)
            .answer()
            .await
    };
    for kept in ["proxy-7f3a_01".to_owned(), "A".repeat(64)] {
        let answer = send(kept.clone()).await;
        assert_eq!(request_id(&answer, &kept), kept);
    }
    for replaced in ["a.b", "a b", "<script>", "", &"A".repeat(65)] {
        let answer = send(replaced.to_owned()).await;
        let id = request_id(&answer, replaced);
        assert!(is_generated_id(&id), "{replaced:?} answered with {id:?}");
    }
}

#[tokio::test]
async fn a_server_error_body_carries_the_request_id_of_its_header() {
    let app = TestApp::spawn().await;
    let project = app.create_project("broken").await;
    app.create_secret(&project, "dev", "/", "BROKEN", "unreadable")
        .await;
    break_secret(&app, "BROKEN");

    let broken = app
        .as_admin()
        .get(&format!(
            "{}/BROKEN?environment=dev",
            paths::secrets(&project)
        ))
        .await;
    let id = request_id(&broken, "the broken read");
    broken.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError");
    assert_eq!(broken["requestId"], id.as_str(), "{broken}");
    let mut fields: Vec<_> = broken.json.as_object().unwrap().keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["error", "message", "requestId", "statusCode"]);

    // A client's mistake is answered without one: the id is for finding a server-side cause.
    let missing = app.as_admin().get_project("nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{missing}");
    assert!(missing.json.get("requestId").is_none(), "{missing}");
}
