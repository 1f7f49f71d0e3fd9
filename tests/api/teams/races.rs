//! Requests racing a change to their own caller: the write decides on the caller as stored at
//! that moment, not as read at the start of the request. Each test runs a handful of races at
//! once one after another so that, without the re-check, some of them land in the window.

use crate::helpers::TestApp;
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
