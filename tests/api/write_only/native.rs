//! The native API's writes, as a write-only token and as anyone sending nothing to change.

use super::{assert_reveals_nothing, fields, fixture, OLD_VALUE};
use crate::helpers::paths;
use reqwest::StatusCode;
use serde_json::json;

/// What a write-only caller learns of a secret it wrote: where it is and which version.
const METADATA: [&str; 7] = [
    "createdAt",
    "environment",
    "id",
    "key",
    "path",
    "updatedAt",
    "version",
];

#[tokio::test]
async fn a_write_only_create_answers_the_key_version_and_times_but_no_value_or_comment() {
    let f = fixture().await;
    let body = json!({ "environment": "dev", "path": "/app", "key": "NEW_KEY", "value": "new-value-9d1e", "comment": "new-comment-2b4c" });
    let created = f
        .app
        .as_token(&f.write_only)
        .post_secret(&f.project, body)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(fields(&created["secret"]), METADATA);
    assert_reveals_nothing(&created, &["new-value-9d1e", "new-comment-2b4c"]);
}

#[tokio::test]
async fn a_write_only_update_of_the_comment_alone_does_not_answer_the_stored_value() {
    let f = fixture().await;
    let url = paths::secret(&f.project, "dev", "/app", "APP_KEY");
    let updated = f
        .app
        .as_token(&f.write_only)
        .patch_json(&url, json!({ "comment": "new-comment-2b4c" }))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");
    assert_eq!(fields(&updated["secret"]), METADATA);
    assert_eq!(updated["secret"]["version"], 2);
    assert_reveals_nothing(&updated, &["new-comment-2b4c"]);
    let stored = f
        .app
        .as_admin()
        .get_secret(&f.project, "dev", "/app", "APP_KEY")
        .await;
    assert_eq!(
        (
            stored["secret"]["value"].as_str(),
            stored["secret"]["comment"].as_str()
        ),
        (Some(OLD_VALUE), Some("new-comment-2b4c")),
        "the value is kept, the comment changed"
    );
}

#[tokio::test]
async fn a_write_only_delete_answers_no_content() {
    let f = fixture().await;
    let deleted = f
        .app
        .as_token(&f.write_only)
        .delete_secret(&f.project, "dev", "/app", "APP_KEY")
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted}");
    assert_reveals_nothing(&deleted, &[]);
}

#[tokio::test]
async fn a_patch_with_neither_value_nor_comment_is_422_for_every_caller() {
    let f = fixture().await;
    let url = paths::secret(&f.project, "dev", "/app", "APP_KEY");
    for caller in [
        f.app.as_admin(),
        f.app.as_token(&f.read_write),
        f.app.as_token(&f.write_only),
    ] {
        let refused = caller.patch_json(&url, json!({})).await;
        refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
        assert_reveals_nothing(&refused, &[]);
    }
    let stored = f
        .app
        .as_admin()
        .get_secret(&f.project, "dev", "/app", "APP_KEY")
        .await;
    assert_eq!(stored["secret"]["version"], 1, "nothing was written");
}
