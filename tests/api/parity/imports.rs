//! `include_imports=true` (Infisical) and `includeImports=true` (native): the entries, their
//! order, nesting and access.

use super::{parity, value_of, values};
use reqwest::StatusCode;
use serde_json::json;

const IMPORTS: &str = "include_imports=true";

#[tokio::test]
async fn entries_come_in_position_order_with_nested_imports_flattened() {
    let p = parity().await;
    let read = p.app.as_admin().get(&p.raw("dev", "/", IMPORTS)).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    let imports = read["imports"].as_array().unwrap();
    assert_eq!(imports.len(), 2, "{read}");
    assert_eq!(
        (&imports[0]["environment"], &imports[0]["secretPath"]),
        (&json!("dev"), &json!("/shared"))
    );
    assert_eq!(
        (&imports[1]["environment"], &imports[1]["secretPath"]),
        (&json!("prod"), &json!("/"))
    );
    let first: Vec<String> = values(&imports[0]["secrets"])
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        first,
        ["DUP", "IMP", "BASE"],
        "the folder's own, then what it imports"
    );
    assert!(imports[0]["folderId"]
        .as_str()
        .is_some_and(|id| id.len() == 32));
    for field in [
        "id",
        "_id",
        "secretKey",
        "secretValue",
        "version",
        "type",
        "createdAt",
    ] {
        assert!(imports[1]["secrets"][0].get(field).is_some(), "{field}");
    }
}

#[tokio::test]
async fn without_the_flag_imports_is_an_empty_array() {
    let p = parity().await;
    for query in ["", "include_imports=false"] {
        let read = p.app.as_admin().get(&p.raw("dev", "/", query)).await;
        assert_eq!(read["imports"], json!([]), "{query}");
    }
}

#[tokio::test]
async fn a_by_name_read_takes_the_local_secret_then_the_last_import_with_the_key() {
    let p = parity().await;
    let admin = p.app.as_admin();
    let get = |name: &str| {
        let (admin, path) = (&admin, p.raw_one(name, IMPORTS));
        async move { admin.get(&path).await }
    };
    assert_eq!(get("DUP").await["secret"]["secretValue"], "local");
    assert_eq!(get("IMP").await["secret"]["secretValue"], "i2");
    let two = get("TWO").await;
    assert_eq!(
        (&two["secret"]["secretValue"], &two["secret"]["environment"]),
        (&json!("2"), &json!("prod"))
    );
    assert_eq!(get("BASE").await["secret"]["secretValue"], "b");
    get("NOWHERE")
        .await
        .assert_error(StatusCode::NOT_FOUND, "NotFound");
    let without = admin.get(&p.raw_one("TWO", "")).await;
    without.assert_error(StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn an_entry_the_caller_may_not_read_is_left_out_and_a_nested_one_adds_nothing() {
    let p = parity().await;
    let reader = p.reader(&[("dev", "/"), ("dev", "/shared")]).await;
    let read = reader.get(&p.raw("dev", "/", IMPORTS)).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    let imports = read["imports"].as_array().unwrap();
    assert_eq!(imports.len(), 1, "prod:/ left out: {read}");
    let keys: Vec<String> = values(&imports[0]["secrets"])
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["DUP", "IMP"], "dev:/base is not readable");
    assert!(!read.text.contains("\"i2\"") && !read.text.contains("\"b\""));
}

#[tokio::test]
async fn imported_references_expand_and_unreadable_ones_stay_literal() {
    let p = parity().await;
    p.app
        .create_secret(
            &p.project,
            "dev",
            "/shared",
            "USES",
            "${prod.api.TOKEN}+${IMP}",
        )
        .await;
    let both = "include_imports=true&expandSecretReferences=true";
    let admin = p.app.as_admin().get(&p.raw("dev", "/", both)).await;
    assert_eq!(
        value_of(&admin["imports"][0]["secrets"], "USES"),
        "t+i1",
        "{admin}"
    );
    p.app
        .create_secret(&p.project, "dev", "/app", "OWN", "o")
        .await;
    p.import("dev", "/app", "dev", "/shared").await;
    let reader = p
        .reader(&[("dev", "/app"), ("dev", "/shared"), ("dev", "/base")])
        .await;
    let mine = reader.get(&p.raw("dev", "/app", both)).await;
    assert_eq!(mine.status, StatusCode::OK, "{mine}");
    let uses = value_of(&mine["imports"][0]["secrets"], "USES");
    assert_eq!(uses, "${prod.api.TOKEN}+i1", "{mine}");
}

#[tokio::test]
async fn the_native_listing_adds_the_same_entries() {
    let p = parity().await;
    let path = format!(
        "/api/v1/projects/{}/secrets?environment=dev&path=/&includeImports=true",
        p.project
    );
    let read = p.app.as_admin().get(&path).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    let imports = read["imports"].as_array().unwrap();
    assert_eq!(imports.len(), 2);
    assert_eq!(imports[1]["secretPath"], "/");
    assert_eq!(value_of(&imports[1]["secrets"], "TWO"), "2");
}

#[tokio::test]
async fn the_encrypted_route_includes_imports_sealed() {
    let p = parity().await;
    let (token, _) = p
        .app
        .mint_scoped(&p.project, "legacy", "dev", "/**", &["read"])
        .await;
    let path = format!(
        "/api/v3/secrets?workspaceId={}&environment=dev&secretPath=/&include_imports=true",
        p.project
    );
    let read = p.app.as_token(&token).get(&path).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    let imports = read["imports"].as_array().unwrap();
    assert_eq!(
        imports.len(),
        1,
        "prod is out of the token's scopes: {read}"
    );
    let secret = &imports[0]["secrets"][0];
    assert!(secret["secretKeyCiphertext"].is_string() && secret.get("secretKey").is_none());
}

#[tokio::test]
async fn nested_imports_are_followed_ten_levels_deep_and_no_further() {
    let p = parity().await;
    // dev:/deep imports /l1, which imports /l2, … /l11 imports /l12; each /lN holds LN.
    for n in 1..=12 {
        let folder = format!("/l{n}");
        p.app
            .create_secret(&p.project, "dev", &folder, &format!("L{n}"), "v")
            .await;
    }
    p.app
        .create_secret(&p.project, "dev", "/deep", "OWN", "o")
        .await;
    for n in (1..12).rev() {
        p.import("dev", &format!("/l{n}"), "dev", &format!("/l{}", n + 1))
            .await;
    }
    p.import("dev", "/deep", "dev", "/l1").await;
    let read = p.app.as_admin().get(&p.raw("dev", "/deep", IMPORTS)).await;
    let keys: Vec<String> = values(&read["imports"][0]["secrets"])
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let wanted: Vec<String> = (1..=10).map(|n| format!("L{n}")).collect();
    assert_eq!(
        keys, wanted,
        "level 1 is the direct import; level 10 the last"
    );
}

#[tokio::test]
async fn the_encrypted_route_without_the_flag_answers_an_empty_imports_array() {
    let p = parity().await;
    let (token, _) = p
        .app
        .mint_scoped(&p.project, "legacy", "dev", "/**", &["read"])
        .await;
    let path = format!(
        "/api/v3/secrets?workspaceId={}&environment=dev&secretPath=/&include_imports=false",
        p.project
    );
    let read = p.app.as_token(&token).get(&path).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(read["imports"], json!([]), "infisical==1.6.0 needs the key");
}

#[tokio::test]
async fn the_v4_route_adds_the_same_entries_as_the_raw_route() {
    let p = parity().await;
    let v4 = format!(
        "/api/v4/secrets?projectId={}&environment=dev&secretPath=/&{IMPORTS}",
        p.project
    );
    let v4 = p.app.as_admin().get(&v4).await;
    let raw = p.app.as_admin().get(&p.raw("dev", "/", IMPORTS)).await;
    assert_eq!(v4.status, StatusCode::OK, "{v4}");
    assert_eq!(v4["imports"], raw["imports"], "{v4}");
}
