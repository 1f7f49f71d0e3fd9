//! Invitations: the link (from ENVKEEP_PUBLIC_URL, never from Host), single use, the page that
//! does not use the code, 410 for every code that cannot be used, the throttle, and storage.

use crate::helpers::{invite_code, Answered, TestApp, USER_PASSWORD};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn without_a_public_url_the_link_is_relative_with_a_note_whatever_the_host_header() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({ "email": "new@example.com", "role": "member" });
    let invited = app
        .as_admin()
        .request(Method::POST, "/api/v1/invites")
        .header("host", "evil.example.com")
        .json(&body)
        .answer()
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{invited}");
    let url = invited["url"].as_str().unwrap();
    assert!(url.starts_with("/invite/"), "{url}");
    assert!(invited["note"]
        .as_str()
        .unwrap()
        .contains("ENVKEEP_PUBLIC_URL"));
    assert!(invite_code(url).len() >= 32, "at least 128 bits of code");
    let invite = &invited["invite"];
    assert_eq!(invite["email"], "new@example.com");
    assert_eq!(invite["role"], "member");
    assert!(invite["expiresAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn with_a_public_url_the_link_is_absolute() {
    let app = TestApp::spawn_with(|c| c.public_url = Some("https://keep.example.com".into())).await;
    let invited = app.as_admin().invite("new@example.com", "member").await;
    let url = invited["url"].as_str().unwrap();
    assert!(url.starts_with("https://keep.example.com/invite/"), "{url}");
    assert!(invited["note"].is_null());
}

#[tokio::test]
async fn opening_the_invitation_page_does_not_use_the_code() {
    let app = TestApp::spawn().await;
    let invited = app.as_admin().invite("new@example.com", "member").await;
    let page = format!("/invite/{}", invite_code(invited["url"].as_str().unwrap()));
    let browser = app.new_browser();
    for _ in 0..2 {
        let shown = browser.get(&page).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text.contains("new@example.com"));
    }
    let accepted = app
        .anonymous()
        .accept_invite(&invite_code(&page), USER_PASSWORD)
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["user"]["role"], "member");
    assert_eq!(browser.get(&page).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn the_invitation_form_creates_the_account_without_javascript() {
    let app = TestApp::spawn().await;
    let invited = app.as_admin().invite("new@example.com", "member").await;
    let page = format!("/invite/{}", invite_code(invited["url"].as_str().unwrap()));
    let browser = app.new_browser();
    let fields = [("password", USER_PASSWORD), ("confirm", USER_PASSWORD)];
    let done = browser.submit_with_preauth(&page, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{done}");
    assert!(done.location().starts_with("/login"));
    let login = app
        .anonymous()
        .login("new@example.com", USER_PASSWORD)
        .await;
    assert_eq!(login.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_used_expired_and_revoked_codes_are_all_410() {
    let app = TestApp::spawn().await;
    let code_of = |answer: &crate::helpers::Answer| invite_code(answer["url"].as_str().unwrap());
    let api = app.as_admin();
    let used = code_of(&api.invite("used@example.com", "member").await);
    let accepted = app.anonymous().accept_invite(&used, USER_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::CREATED);
    let expired = code_of(&api.invite("expired@example.com", "member").await);
    app.sqlite()
        .execute(
            "UPDATE invites SET expires_at = 1 WHERE email = 'expired@example.com'",
            [],
        )
        .unwrap();
    let revoked_invite = api.invite("revoked@example.com", "member").await;
    let revoked = code_of(&revoked_invite);
    let id = revoked_invite["invite"]["id"].as_str().unwrap();
    assert_eq!(api.revoke_invite(id).await.status, StatusCode::NO_CONTENT);
    let unknown = "0".repeat(64);
    let mut messages = Vec::new();
    for code in [unknown.as_str(), &used, &expired, &revoked] {
        let answer = app.anonymous().accept_invite(code, USER_PASSWORD).await;
        answer.assert_error(StatusCode::GONE, "Gone");
        messages.push(answer["message"].as_str().unwrap().to_owned());
        assert_eq!(
            app.new_browser()
                .get(&format!("/invite/{code}"))
                .await
                .status,
            StatusCode::GONE
        );
    }
    assert!(messages[0].contains("ask for a new invitation"));
    assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
}

#[tokio::test]
async fn failed_accepts_count_towards_the_address_throttle() {
    let app = TestApp::spawn_with(|c| c.auth_failure_limit = 3).await;
    let bad = "f".repeat(64);
    for _ in 0..2 {
        let answer = app.anonymous().accept_invite(&bad, USER_PASSWORD).await;
        assert_eq!(answer.status, StatusCode::GONE);
    }
    let blocked = app.anonymous().accept_invite(&bad, USER_PASSWORD).await;
    blocked.assert_error(StatusCode::TOO_MANY_REQUESTS, "RateLimitExceeded");
}

#[tokio::test]
async fn a_weak_password_is_refused_and_leaves_the_code_usable() {
    let app = TestApp::spawn().await;
    let invited = app.as_admin().invite("new@example.com", "member").await;
    let code = invite_code(invited["url"].as_str().unwrap());
    let short = app.anonymous().accept_invite(&code, "short").await;
    short.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let accepted = app.anonymous().accept_invite(&code, USER_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::CREATED);
}

#[tokio::test]
async fn an_email_with_an_account_cannot_be_invited() {
    let app = TestApp::spawn().await;
    let again = app
        .as_admin()
        .invite(crate::helpers::ADMIN_EMAIL, "member")
        .await;
    again.assert_error(StatusCode::CONFLICT, "Conflict");
}

#[tokio::test]
async fn open_invitations_are_listed_and_revoked() {
    let app = TestApp::spawn().await;
    let api = app.as_admin();
    let invited = api.invite("new@example.com", "admin").await;
    let listed = api.list_invites().await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed["invites"][0]["email"], "new@example.com");
    assert_eq!(listed["invites"][0]["role"], "admin");
    let id = invited["invite"]["id"].as_str().unwrap();
    assert_eq!(api.revoke_invite(id).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api.list_invites().await["invites"], serde_json::json!([]));
    api.revoke_invite(id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn the_code_is_stored_only_as_its_hash() {
    let app = TestApp::spawn().await;
    let invited = app.as_admin().invite("new@example.com", "member").await;
    let code = invite_code(invited["url"].as_str().unwrap());
    assert!(!app.stored_bytes().contains(&code));
}
