//! A damaged secret is replaced or deleted without opening its old ciphertext.

use super::{damaged, keys, VALUE_C};
use crate::helpers::paths;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_damaged_secret_takes_a_new_value() {
    let (app, project) = damaged().await;
    let admin = app.as_admin();
    let updated = admin
        .update_secret(&project, "dev", "/", "A", "fresh")
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");
    assert_eq!(updated["secret"]["value"], "fresh");
    assert_eq!(updated["secret"]["version"], 2);
    let read = admin.get_secret(&project, "dev", "/", "A").await;
    assert_eq!(read["secret"]["value"], "fresh", "{read}");
    let listed = admin.list_secrets(&project, "dev", "/").await;
    assert_eq!(keys(&listed.json, "secrets"), ["A", "B"]);
    assert!(listed.json.get("unreadable").is_none(), "{listed}");
}

#[tokio::test]
async fn a_damaged_secret_is_deleted() {
    let (app, project) = damaged().await;
    let admin = app.as_admin();
    let deleted = admin.delete_secret(&project, "dev", "/", "A").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted}");
    let listed = admin.list_secrets(&project, "dev", "/").await;
    assert_eq!(keys(&listed.json, "secrets"), ["B"]);
    assert!(listed.json.get("unreadable").is_none(), "{listed}");
}

#[tokio::test]
async fn an_update_that_would_keep_a_damaged_field_is_refused_naming_it() {
    let (app, project) = damaged().await;
    let admin = app.as_admin();
    let kept = admin
        .update_secret(&project, "dev", "/app", "C", "new value")
        .await;
    kept.assert_error(StatusCode::CONFLICT, "Conflict");
    assert!(kept.text.contains("comment"), "{kept}");
    assert!(!kept.text.contains(VALUE_C), "{kept}");
    let both = admin
        .patch_json(
            &paths::secret(&project, "dev", "/app", "C"),
            json!({ "value": "new value", "comment": "new comment" }),
        )
        .await;
    assert_eq!(both.status, StatusCode::OK, "{both}");
    assert_eq!(both["secret"]["comment"], "new comment");
}

#[tokio::test]
async fn a_batch_overwrites_a_damaged_secret_instead_of_failing() {
    let (app, project) = damaged().await;
    let admin = app.as_admin();
    let batch = json!({
        "environment": "dev", "path": "/", "overwrite": true, "dryRun": false,
        "secrets": [{ "key": "A", "value": "fresh" }, { "key": "B", "value": super::VALUE_B }],
    });
    let answer = admin.write_batch(&project, batch).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer}");
    assert_eq!(answer["overwritten"], json!(["A"]), "{answer}");
    assert_eq!(answer["unchanged"], json!(["B"]), "{answer}");
    let read = admin.get_secret(&project, "dev", "/", "A").await;
    assert_eq!(read["secret"]["value"], "fresh", "{read}");
}
