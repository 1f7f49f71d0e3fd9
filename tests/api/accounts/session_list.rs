//! Sessions people can see and end: public ids only, never a credential.

use crate::helpers::{paths, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_session_list_never_shows_a_credential() {
    let app = TestApp::spawn().await;
    let other = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let listed = app.as_admin().get(paths::SESSIONS).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed}");
    let sessions = listed["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{listed}");
    let conn = app.sqlite();
    let mut stmt = conn
        .prepare("SELECT id_hash, csrf_token FROM sessions")
        .unwrap();
    let stored: Vec<(Vec<u8>, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let body = listed.text.to_lowercase();
    for secret in [
        app.admin_token.clone(),
        other["token"].as_str().unwrap().to_owned(),
    ] {
        assert!(!body.contains(&secret), "a session token is listed");
    }
    for (hash, csrf) in stored {
        assert!(
            !body.contains(&hex::encode(hash)),
            "a stored hash is listed"
        );
        assert!(!body.contains(&csrf), "a CSRF token is listed");
    }
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"].as_str().unwrap().len(), 32);
    assert!(current[0]["lastSeenAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn ending_a_session_by_its_id_logs_that_session_out_only() {
    let app = TestApp::spawn().await;
    let other = app.anonymous().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let other = app.as_token(other["token"].as_str().unwrap());
    let listed = app.as_admin().get(paths::SESSIONS).await;
    let id = listed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ended = app.as_admin().delete(&paths::session(&id)).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{ended}");
    other
        .get(paths::ME)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UnauthorizedError");
    assert_eq!(app.as_admin().get(paths::ME).await.status, StatusCode::OK);
    app.as_admin()
        .delete(&paths::session(&id))
        .await
        .assert_error(StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn the_user_agent_is_kept_cut_to_256_characters() {
    let app = TestApp::spawn().await;
    let long = "A".repeat(1_000);
    let login = app
        .anonymous()
        .request(Method::POST, paths::LOGIN)
        .header("User-Agent", &long)
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }));
    let login = crate::helpers::Answered::answer(login).await;
    let listed = app
        .as_token(login["token"].as_str().unwrap())
        .get(paths::SESSIONS)
        .await;
    let mine = listed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()
        .clone();
    assert_eq!(mine["userAgent"].as_str().unwrap().len(), 256);
    assert_eq!(mine["ip"], "127.0.0.1");
}

#[tokio::test]
async fn requests_do_not_write_last_seen_more_than_once_a_minute() {
    let app = TestApp::spawn().await;
    let seen = || -> i64 {
        app.sqlite()
            .query_row("SELECT sum(last_seen_at) FROM sessions", [], |r| r.get(0))
            .unwrap()
    };
    let before = seen();
    for _ in 0..5 {
        assert_eq!(app.as_admin().get(paths::ME).await.status, StatusCode::OK);
    }
    envkeep::jobs::background::flush_last_used(&app.state.store).await;
    assert_eq!(
        seen(),
        before,
        "a session seen within the minute is not rewritten"
    );
    // A session last seen over a minute ago is refreshed by the next flush, not by the request.
    app.sqlite()
        .execute(
            "UPDATE sessions SET last_seen_at = last_seen_at - 120000",
            [],
        )
        .unwrap();
    let aged = seen();
    app.as_admin().get(paths::ME).await;
    assert_eq!(seen(), aged, "the request itself wrote nothing");
    envkeep::jobs::background::flush_last_used(&app.state.store).await;
    assert!(seen() > aged, "the flush wrote the new time");
}
