//! Secret references: expanded on the raw and v4 routes with `expandSecretReferences=true`, on
//! the native API with `expand=true`, only through the caller's read access.

use super::{parity, value_of};
use reqwest::StatusCode;

const EXPAND: &str = "expandSecretReferences=true";

#[tokio::test]
async fn local_and_cross_environment_references_expand_on_the_raw_route() {
    let p = parity().await;
    let read = p.app.as_admin().get(&p.raw("dev", "/", EXPAND)).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(value_of(&read["secrets"], "REF"), "l-t");
}

#[tokio::test]
async fn without_the_flag_references_stay_as_stored() {
    let p = parity().await;
    for query in ["", "expandSecretReferences=false"] {
        let read = p.app.as_admin().get(&p.raw("dev", "/", query)).await;
        assert_eq!(
            value_of(&read["secrets"], "REF"),
            "${LOCAL}-${prod.api.TOKEN}"
        );
    }
}

#[tokio::test]
async fn the_v4_route_expands_too() {
    let p = parity().await;
    let path = format!(
        "/api/v4/secrets?projectId={}&environment=dev&secretPath=/&{EXPAND}",
        p.project
    );
    let read = p.app.as_admin().get(&path).await;
    assert_eq!(value_of(&read["secrets"], "REF"), "l-t", "{read}");
}

#[tokio::test]
async fn a_readable_missing_target_stays_literal() {
    let p = parity().await;
    let read = p.app.as_admin().get(&p.raw("dev", "/", EXPAND)).await;
    assert_eq!(value_of(&read["secrets"], "MISSING"), "${NOPE}");
}

#[tokio::test]
async fn a_cycle_ends_and_its_references_stay_literal() {
    let p = parity().await;
    let read = p.app.as_admin().get(&p.raw("dev", "/", EXPAND)).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(value_of(&read["secrets"], "CYC_A"), "${CYC_B}");
    assert_eq!(value_of(&read["secrets"], "CYC_B"), "${CYC_A}");
}

#[tokio::test]
async fn a_chain_twelve_references_deep_resolves() {
    let p = parity().await;
    let read = p.app.as_admin().get(&p.raw("dev", "/", EXPAND)).await;
    assert_eq!(value_of(&read["secrets"], "CHAIN"), "end");
}

#[tokio::test]
async fn an_unreadable_target_refuses_the_list_alike_whether_it_exists_or_not() {
    let p = parity().await;
    p.app
        .create_secret(&p.project, "dev", "/a", "TO_REAL", "${prod.api.TOKEN}")
        .await;
    p.app
        .create_secret(&p.project, "dev", "/b", "TO_NONE", "${prod.api.NOPE}")
        .await;
    let reader = p.reader(&[("dev", "/**")]).await;
    let real = reader.get(&p.raw("dev", "/a", EXPAND)).await;
    let none = reader.get(&p.raw("dev", "/b", EXPAND)).await;
    for (read, reference) in [(&real, "${prod.api.TOKEN}"), (&none, "${prod.api.NOPE}")] {
        read.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
        let message = read["message"].as_str().unwrap();
        assert!(
            message.starts_with("Failed to expand one or more secret references"),
            "{message}"
        );
        assert!(message.contains(reference), "{message}");
        assert!(!read.text.contains("\"t\""), "never the value");
    }
    let shape = |m: &str| {
        m.replace("TOKEN", "X")
            .replace("NOPE", "X")
            .replace("TO_REAL", "Y")
            .replace("TO_NONE", "Y")
    };
    assert_eq!(
        shape(real["message"].as_str().unwrap()),
        shape(none["message"].as_str().unwrap()),
        "the same refusal either way"
    );
}

#[tokio::test]
async fn a_by_name_read_expands_and_refuses_an_unreadable_reference() {
    let p = parity().await;
    let admin = p.app.as_admin().get(&p.raw_one("REF", EXPAND)).await;
    assert_eq!(admin["secret"]["secretValue"], "l-t", "{admin}");
    let reader = p.reader(&[("dev", "/**")]).await;
    let refused = reader.get(&p.raw_one("REF", EXPAND)).await;
    refused.assert_error(StatusCode::FORBIDDEN, "PermissionDenied");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("${prod.api.TOKEN}"));
    let literal = reader.get(&p.raw_one("REF", "")).await;
    assert_eq!(
        literal["secret"]["secretValue"],
        "${LOCAL}-${prod.api.TOKEN}"
    );
}

#[tokio::test]
async fn a_token_reading_every_target_gets_the_expansion() {
    let p = parity().await;
    let reader = p.reader(&[("dev", "/"), ("prod", "/api")]).await;
    let read = reader.get(&p.raw("dev", "/", EXPAND)).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(value_of(&read["secrets"], "REF"), "l-t");
}

#[tokio::test]
async fn the_flag_must_be_true_or_false() {
    let p = parity().await;
    let read = p
        .app
        .as_admin()
        .get(&p.raw("dev", "/", "expandSecretReferences=yes"))
        .await;
    read.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
}

#[tokio::test]
async fn the_native_api_expands_with_expand_true_only() {
    let p = parity().await;
    let base = format!(
        "/api/v1/projects/{}/secrets?environment=dev&path=/",
        p.project
    );
    let plain = p.app.as_admin().get(&base).await;
    assert_eq!(
        value_of(&plain["secrets"], "REF"),
        "${LOCAL}-${prod.api.TOKEN}"
    );
    let expanded = p.app.as_admin().get(&format!("{base}&expand=true")).await;
    assert_eq!(value_of(&expanded["secrets"], "REF"), "l-t", "{expanded}");
    let one = format!(
        "/api/v1/projects/{}/secrets/REF?environment=dev&path=/&expand=true",
        p.project
    );
    assert_eq!(p.app.as_admin().get(&one).await["secret"]["value"], "l-t");
}

#[tokio::test]
async fn the_encrypted_route_never_expands() {
    let p = parity().await;
    let (token, _) = p
        .app
        .mint_scoped(&p.project, "legacy", "dev", "/", &["read"])
        .await;
    let path = format!(
        "/api/v3/secrets/REF?workspaceId={}&environment=dev&secretPath=/&{EXPAND}",
        p.project
    );
    let read = p.app.as_token(&token).get(&path).await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    // The value is sealed; a literal `${LOCAL}-${prod.api.TOKEN}` seals to 26 bytes, `l-t` to 3.
    use base64::Engine;
    let sealed = read["secret"]["secretValueCiphertext"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .unwrap();
    assert_eq!(bytes.len(), "${LOCAL}-${prod.api.TOKEN}".len());
}
