//! Managing imports (`/api/v1/projects/{id}/imports`) and the deletions they block.

use super::{parity, values};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_folders_imports_are_listed_in_order() {
    let p = parity().await;
    let list = p
        .app
        .as_admin()
        .get(&format!("{}?environment=dev&path=/", p.imports_path()))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{list}");
    let imports = list["imports"].as_array().unwrap();
    let shown: Vec<(i64, &str, &str)> = imports
        .iter()
        .map(|i| {
            (
                i["position"].as_i64().unwrap(),
                i["importEnvironment"].as_str().unwrap(),
                i["importPath"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(shown, [(1, "dev", "/shared"), (2, "prod", "/")]);
}

#[tokio::test]
async fn moving_an_import_reorders_the_entries() {
    let p = parity().await;
    let list = p
        .app
        .as_admin()
        .get(&format!("{}?environment=dev&path=/", p.imports_path()))
        .await;
    let prod = list["imports"][1]["id"].as_str().unwrap().to_owned();
    let moved = p
        .app
        .as_admin()
        .patch_json(
            &format!("{}/{prod}", p.imports_path()),
            json!({ "position": 1 }),
        )
        .await;
    assert_eq!(
        (moved.status, &moved["import"]["position"]),
        (StatusCode::OK, &json!(1)),
        "{moved}"
    );
    let read = p
        .app
        .as_admin()
        .get(&p.raw("dev", "/", "include_imports=true"))
        .await;
    assert_eq!(read["imports"][0]["environment"], "prod");
    let imp = p
        .app
        .as_admin()
        .get(&p.raw_one("IMP", "include_imports=true"))
        .await;
    assert_eq!(
        imp["secret"]["secretValue"], "i1",
        "now the last import with IMP is dev:/shared"
    );
}

#[tokio::test]
async fn deleting_an_import_removes_its_entry() {
    let p = parity().await;
    let list = p
        .app
        .as_admin()
        .get(&format!("{}?environment=dev&path=/", p.imports_path()))
        .await;
    let shared = list["imports"][0]["id"].as_str().unwrap().to_owned();
    let deleted = p
        .app
        .as_admin()
        .delete(&format!("{}/{shared}", p.imports_path()))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted}");
    let read = p
        .app
        .as_admin()
        .get(&p.raw("dev", "/", "include_imports=true"))
        .await;
    assert_eq!(read["imports"].as_array().unwrap().len(), 1);
    assert_eq!(read["imports"][0]["environment"], "prod");
}

#[tokio::test]
async fn a_cyclic_or_self_import_is_refused() {
    let p = parity().await;
    let body = |env: &str, path: &str, from_env: &str, from_path: &str| json!({ "environment": env, "path": path, "importEnvironment": from_env, "importPath": from_path });
    let admin = p.app.as_admin();
    let back = admin
        .post_json(&p.imports_path(), body("dev", "/base", "dev", "/"))
        .await;
    back.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let own = admin
        .post_json(&p.imports_path(), body("dev", "/", "dev", "/"))
        .await;
    own.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
    let again = admin
        .post_json(&p.imports_path(), body("dev", "/", "prod", "/"))
        .await;
    again.assert_error(StatusCode::CONFLICT, "Conflict");
    let nowhere = admin
        .post_json(&p.imports_path(), body("dev", "/", "prod", "/nope"))
        .await;
    nowhere.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}

#[tokio::test]
async fn a_service_token_cannot_manage_imports() {
    let p = parity().await;
    let (token, _) = p
        .app
        .mint_scoped(&p.project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let body = json!({ "environment": "dev", "path": "/base", "importEnvironment": "prod", "importPath": "/" });
    let refused = p
        .app
        .as_token(&token)
        .post_json(&p.imports_path(), body)
        .await;
    refused.assert_error(StatusCode::FORBIDDEN, "ForbiddenError");
    let listed = p
        .app
        .as_token(&token)
        .get(&format!("{}?environment=dev&path=/", p.imports_path()))
        .await;
    assert_eq!(
        listed.status,
        StatusCode::OK,
        "reading the list needs only read access: {listed}"
    );
}

#[tokio::test]
async fn deleting_an_imported_folder_is_refused_naming_the_importer() {
    let p = parity().await;
    let refused = p
        .app
        .as_admin()
        .delete_folder_recursive(&p.project, "prod", "/")
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the root is never deleted"
    );
    let refused = p
        .app
        .as_admin()
        .delete_folder_recursive(&p.project, "dev", "/base")
        .await;
    refused.assert_error(StatusCode::CONFLICT, "Conflict");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("folder '/shared' in environment 'dev'"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_refusal_names_no_importer_the_caller_may_not_see() {
    let p = parity().await;
    let (token, _) = p
        .app
        .mint_scoped(&p.project, "base", "dev", "/base/**", &["read", "write"])
        .await;
    let refused = p
        .app
        .as_token(&token)
        .delete_folder_recursive(&p.project, "dev", "/base")
        .await;
    refused.assert_error(StatusCode::CONFLICT, "Conflict");
    let message = refused["message"].as_str().unwrap();
    assert!(
        !message.contains("/shared") && message.contains("a folder you may not see"),
        "{message}"
    );
}

#[tokio::test]
async fn deleting_an_imported_environment_is_refused() {
    let p = parity().await;
    let refused = p
        .app
        .as_admin()
        .delete_environment(&p.project, "prod")
        .await;
    refused.assert_error(StatusCode::CONFLICT, "Conflict");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("folder '/' in environment 'dev'"));
}

#[tokio::test]
async fn deleting_the_importer_with_its_folder_takes_its_imports_along() {
    let p = parity().await;
    let admin = p.app.as_admin();
    let deleted = admin
        .delete_folder_recursive(&p.project, "dev", "/shared")
        .await;
    assert_eq!(
        deleted.status,
        StatusCode::CONFLICT,
        "dev:/ imports it: {deleted}"
    );
    p.app
        .create_secret(&p.project, "staging", "/x", "A", "a")
        .await;
    p.import("staging", "/x", "dev", "/base").await;
    let gone = admin
        .delete_folder_recursive(&p.project, "staging", "/x")
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{gone}");
    let read = admin.get(&p.raw("dev", "/", "include_imports=true")).await;
    assert_eq!(values(&read["imports"][0]["secrets"]).len(), 3);
}
