//! `envkeep run` reads references expanded (unless `--no-expand`) and merges imports with
//! `--include-imports`: local first, then the last import that has the name.

use super::parity;
use crate::client::injected;

#[tokio::test]
async fn run_expands_references_unless_told_not_to() {
    let p = parity().await;
    p.app
        .create_secret(&p.project, "dev", "/own", "A", "a")
        .await;
    p.app
        .create_secret(&p.project, "dev", "/own", "B", "${A}-${dev.own.A}")
        .await;
    let (own, _) = p
        .app
        .mint_scoped(&p.project, "own", "dev", "/own", &["read"])
        .await;
    let own_scopes = ["--project", &p.project, "--env", "dev", "--path", "/own"];
    let expanded = injected(&p.app, &own, &own_scopes).await;
    assert_eq!(expanded["B"], "a-a");
    let stored = injected(&p.app, &own, &[&own_scopes[..], &["--no-expand"]].concat()).await;
    assert_eq!(stored["B"], "${A}-${dev.own.A}");
}

#[tokio::test]
async fn run_with_include_imports_takes_local_then_the_last_import() {
    let p = parity().await;
    let (token, _) = p
        .app
        .mint(
            &p.project,
            serde_json::json!({ "name": "all", "scopes": [{ "environment": "dev", "secretPath": "/**" }, { "environment": "prod", "secretPath": "/**" }], "permissions": ["read"], "expiresIn": null }),
        )
        .await;
    let args = [
        "--project",
        &p.project,
        "--env",
        "dev",
        "--path",
        "/",
        "--include-imports",
    ];
    let env = injected(&p.app, &token, &args).await;
    assert_eq!(env["DUP"], "local");
    assert_eq!(env["IMP"], "i2");
    assert_eq!(env["BASE"], "b");
    assert_eq!(env["REF"], "l-t");
    let without = injected(&p.app, &token, &args[..6]).await;
    assert!(!without.contains_key("IMP"));
}
