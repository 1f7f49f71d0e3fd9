//! Requests racing a change to their own caller: the write decides on the caller as stored at
//! that moment, not as read at the start of the request. Each test runs a handful of races at
//! once one after another so that, without the re-check, some of them land in the window.

use crate::helpers::{TestApp, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

const RACES: usize = 8;

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_cannot_both_succeed() {
    let app = TestApp::spawn().await;
    let mut pairs = Vec::new();
    for i in 0..RACES {
        let a = app.create_user(&format!("a{i}@example.com"), "admin").await;
        let b = app.create_user(&format!("b{i}@example.com"), "admin").await;
        pairs.push((a, b));
    }
    let demote = json!({ "role": "member" });
    for (a, b) in &pairs {
        let (as_a, as_b) = (app.as_user(a), app.as_user(b));
        let (one, other) = tokio::join!(
            as_a.update_user(&b.id, demote.clone()),
            as_b.update_user(&a.id, demote.clone())
        );
        assert!(
            !(one.status == StatusCode::OK && other.status == StatusCode::OK),
            "both demotions succeeded: {one} / {other}"
        );
    }
}

#[tokio::test]
async fn a_user_removed_during_their_own_login_gets_a_401_not_a_500() {
    let app = TestApp::spawn().await;
    let mut users = Vec::new();
    for i in 0..RACES {
        users.push(
            app.create_user(&format!("u{i}@example.com"), "member")
                .await,
        );
    }
    for user in &users {
        let (anonymous, admin) = (app.anonymous(), app.as_admin());
        let (login, removed) = tokio::join!(
            anonymous.login(&user.email, USER_PASSWORD),
            admin.delete_user(&user.id, false)
        );
        assert_eq!(removed.status, StatusCode::NO_CONTENT, "{removed}");
        assert!(
            login.status.is_success() || login.status == StatusCode::UNAUTHORIZED,
            "{login}"
        );
    }
}
