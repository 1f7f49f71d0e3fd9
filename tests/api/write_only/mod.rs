//! A token with `write` but not `read` changes secrets but never learns a value or comment: not
//! from a write's answer, not from its token details, not through the encrypted routes.

mod infisical;
mod native;

use crate::helpers::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

const OLD_VALUE: &str = "old-value-1f3a";
const OLD_COMMENT: &str = "old-comment-77c2";

struct Fixture {
    app: TestApp,
    project: String,
    /// Full token: write only, over dev:/**.
    write_only: String,
    /// Full token: read and write, over dev:/**.
    read_write: String,
}

/// A project whose dev:/app holds APP_KEY (with a value and a comment), and the two tokens.
async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let project = app.create_project("Blind").await;
    let body = serde_json::json!({ "environment": "dev", "path": "/app", "key": "APP_KEY", "value": OLD_VALUE, "comment": OLD_COMMENT });
    let created = app.as_admin().post_secret(&project, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    let (write_only, _) = app
        .mint_scoped(&project, "wo", "dev", "/**", &["write"])
        .await;
    let (read_write, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    Fixture {
        app,
        project,
        write_only,
        read_write,
    }
}

/// Fails the test if any value or comment the test wrote or seeded appears anywhere in the
/// answer (in any field, under any name).
fn assert_reveals_nothing(answer: &Answer, written: &[&str]) {
    for needle in [OLD_VALUE, OLD_COMMENT].iter().chain(written) {
        assert!(
            !answer.text.contains(needle),
            "the answer carries {needle:?}: {answer}"
        );
    }
}

/// The keys of a JSON object, for asserting which fields an answer has.
fn fields(object: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names
}
