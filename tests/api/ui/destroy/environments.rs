//! Deleting an environment from the settings.

use super::{danger_buttons, shop};
use crate::ui::environment_form;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_environment_holding_secrets_is_not_deleted_when_its_slug_is_typed_instead_of_its_name()
{
    let (app, project, browser, csrf) = shop().await;
    app.create_secret(&project, "prod", "/", "DB", "x").await;
    let page = browser
        .get(&environment_form(&project, "prod", "delete"))
        .await;
    assert!(page.text.contains("Type Production to confirm"), "{page}");
    let delete = environment_form(&project, "prod", "delete");
    let fields = [("csrf_token", csrf.as_str()), ("confirm_name", "prod")];
    let refused = browser.post_form(&delete, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("does not match"), "{refused}");
    let secret = app.as_admin().get_secret(&project, "prod", "/", "DB").await;
    assert_eq!(secret.status, StatusCode::OK);
}

#[tokio::test]
async fn typing_the_name_deletes_an_environment_that_holds_secrets() {
    let (app, project, browser, csrf) = shop().await;
    app.create_secret(&project, "prod", "/", "DB", "x").await;
    let delete = environment_form(&project, "prod", "delete");
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("confirm_name", "Production"),
    ];
    let deleted = browser.post_form(&delete, &fields).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{deleted}");
    let envs = app.as_admin().list_environments(&project).await;
    assert!(!envs.text.contains("\"prod\""), "{envs}");
}

#[tokio::test]
async fn the_confirmation_counts_the_secrets_and_folders_and_an_empty_one_asks_for_no_name() {
    let (app, project, browser, _) = shop().await;
    app.create_secret(&project, "prod", "/", "A", "1").await;
    app.create_secret(&project, "prod", "/app/db", "B", "2")
        .await;
    let full = browser
        .get(&environment_form(&project, "prod", "delete"))
        .await;
    assert!(full.text.contains("2 secrets deleted for good"), "{full}");
    assert!(full.text.contains("2 folders"), "{full}");
    let empty = browser
        .get(&environment_form(&project, "staging", "delete"))
        .await;
    assert!(empty.text.contains("0 secrets"), "{empty}");
    assert!(!empty.text.contains("confirm_name"), "{empty}");
    assert_eq!(danger_buttons(&empty.text), 1);
}

#[tokio::test]
async fn the_confirmation_lists_the_live_tokens_that_block_the_delete_and_offers_no_button() {
    let (app, project, browser, _) = shop().await;
    let (_, deploy) = app
        .mint_scoped(&project, "deploy", "prod", "/", &["read"])
        .await;
    let both = json!({ "name": "ci", "permissions": ["read"], "expiresIn": null,
        "scopes": [{ "environment": "dev", "secretPath": "/" }, { "environment": "prod", "secretPath": "/app/**" }] });
    let (_, ci) = app.mint(&project, both).await;
    app.mint_scoped(&project, "dev-only", "dev", "/", &["read"])
        .await;
    let page = browser
        .get(&environment_form(&project, "prod", "delete"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("2 live service tokens name"), "{page}");
    for (name, id) in [("deploy", &deploy), ("ci", &ci)] {
        assert!(page.text.contains(name), "{name} not listed: {page}");
        assert!(page.text.contains(&format!("st.{}…", &id[..8])), "{page}");
        assert!(page.text.contains(&format!("service-tokens/{id}/usage")));
    }
    assert!(!page.text.contains("dev-only"), "{page}");
    assert_eq!(danger_buttons(&page.text), 0);
}

#[tokio::test]
async fn posting_a_blocked_delete_answers_409_with_the_tokens_listed() {
    let (app, project, browser, csrf) = shop().await;
    app.mint_scoped(&project, "deploy", "prod", "/", &["read"])
        .await;
    let delete = environment_form(&project, "prod", "delete");
    let blocked = browser.post_form(&delete, &[("csrf_token", &csrf)]).await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(blocked.text.contains("deploy"), "{blocked}");
}

#[tokio::test]
async fn an_environment_imported_elsewhere_says_so_on_its_confirmation() {
    let (app, project, browser, _) = shop().await;
    let body = json!({ "environment": "dev", "path": "/",
        "importEnvironment": "prod", "importPath": "/" });
    let imports = format!("/api/v1/projects/{project}/imports");
    let created = app.as_admin().post_json(&imports, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    let page = browser
        .get(&environment_form(&project, "prod", "delete"))
        .await;
    assert!(
        page.text
            .contains("imported by folder &#39;/&#39; in environment &#39;dev&#39;"),
        "{page}"
    );
    assert_eq!(danger_buttons(&page.text), 0);
}
