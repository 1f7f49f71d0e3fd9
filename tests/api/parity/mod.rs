//! Infisical parity: secret references (`${KEY}`, `${env.a.b.KEY}`) expanded through the
//! caller's read access, and secret imports. The fixture is the reference's black-box plan
//! (`infisical-machine-identities.md` §10).

mod client;
mod freshness;
mod imports;
mod imports_manage;
mod references;
mod watch;

use crate::helpers::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct Parity {
    pub app: TestApp,
    pub project: String,
}

/// Project P: dev:/ holds LOCAL=l, DUP=local, REF=${LOCAL}-${prod.api.TOKEN}, MISSING=${NOPE},
/// CHAIN (12 references deep, ending in C12=end), CYC_A/CYC_B (a cycle); prod:/api holds
/// TOKEN=t. dev:/ imports dev:/shared (DUP=i1, IMP=i1; itself importing dev:/base with BASE=b),
/// then prod:/ (IMP=i2, TWO=2).
pub async fn parity() -> Parity {
    let app = TestApp::spawn().await;
    let project = app.create_project("Parity").await;
    let put = |env: &'static str, path: &'static str, key: String, value: String| {
        let (app, project) = (&app, &project);
        async move { app.create_secret(project, env, path, &key, &value).await }
    };
    for (key, value) in [
        ("LOCAL", "l"),
        ("DUP", "local"),
        ("REF", "${LOCAL}-${prod.api.TOKEN}"),
        ("MISSING", "${NOPE}"),
        ("CYC_A", "${CYC_B}"),
        ("CYC_B", "${CYC_A}"),
        ("CHAIN", "${C1}"),
    ] {
        put("dev", "/", key.into(), value.into()).await;
    }
    for i in 1..12 {
        put("dev", "/", format!("C{i}"), format!("${{C{}}}", i + 1)).await;
    }
    put("dev", "/", "C12".into(), "end".into()).await;
    put("prod", "/api", "TOKEN".into(), "t".into()).await;
    put("dev", "/shared", "DUP".into(), "i1".into()).await;
    put("dev", "/shared", "IMP".into(), "i1".into()).await;
    put("dev", "/base", "BASE".into(), "b".into()).await;
    put("prod", "/", "IMP".into(), "i2".into()).await;
    put("prod", "/", "TWO".into(), "2".into()).await;
    let p = Parity { app, project };
    p.import("dev", "/shared", "dev", "/base").await;
    p.import("dev", "/", "dev", "/shared").await;
    p.import("dev", "/", "prod", "/").await;
    p
}

impl Parity {
    pub fn imports_path(&self) -> String {
        format!("/api/v1/projects/{}/imports", self.project)
    }

    /// Adds an import as the admin; returns its id.
    pub async fn import(&self, env: &str, path: &str, from_env: &str, from_path: &str) -> String {
        let body = json!({ "environment": env, "path": path,
            "importEnvironment": from_env, "importPath": from_path });
        let created = self
            .app
            .as_admin()
            .post_json(&self.imports_path(), body)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{created}");
        created["import"]["id"].as_str().unwrap().to_owned()
    }

    /// `/api/v3/secrets/raw` of `env` at `path`, with this query appended.
    pub fn raw(&self, env: &str, path: &str, query: &str) -> String {
        format!(
            "/api/v3/secrets/raw?workspaceId={}&environment={env}&secretPath={path}&{query}",
            self.project
        )
    }

    pub fn raw_one(&self, name: &str, query: &str) -> String {
        format!(
            "/api/v3/secrets/raw/{name}?workspaceId={}&environment=dev&secretPath=/&{query}",
            self.project
        )
    }

    /// A read-only token over these scopes (environment, path glob); returns the full token.
    pub async fn reader(&self, scopes: &[(&str, &str)]) -> Api {
        let scopes: Vec<Value> = scopes
            .iter()
            .map(|(e, p)| json!({ "environment": e, "secretPath": p }))
            .collect();
        let body = json!({ "name": "reader", "scopes": scopes, "permissions": ["read"], "expiresIn": null });
        let (token, _) = self.app.mint(&self.project, body).await;
        self.app.as_token(&token)
    }
}

/// The `secretKey` → `secretValue` pairs of Infisical secrets.
pub fn values(secrets: &Value) -> Vec<(String, String)> {
    secrets
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let key = s.get("secretKey").or_else(|| s.get("key")).unwrap();
            let value = s.get("secretValue").or_else(|| s.get("value")).unwrap();
            (
                key.as_str().unwrap().to_owned(),
                value.as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The value of `key` among these secrets.
pub fn value_of(secrets: &Value, key: &str) -> String {
    values(secrets)
        .into_iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no {key} in {secrets}"))
        .1
}
