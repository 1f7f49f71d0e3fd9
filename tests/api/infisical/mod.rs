//! Infisical compatibility: the legacy routes and shapes Infisical's clients use, served from
//! Envkeep's own store.

mod encrypted_reads;
mod encrypted_writes;
mod folders;
mod params;
mod raw_reads;
mod raw_writes;
mod token_details;
mod tokens;

use crate::helpers::{access_part, Api, TestApp};
use envkeep::crypto::wire::{self, WireCiphertext};
use reqwest::StatusCode;
use serde_json::Value;

struct Fixture {
    app: TestApp,
    project: String,
    /// Full token, one glob scope over dev, read and write.
    glob: String,
    /// Full token, one literal scope dev /app, read only.
    single: String,
}

/// A project with ROOT at dev:/ and DB_PASSWORD, EMPTY at dev:/app, and the two tokens.
async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let project = app.create_project("Compat").await;
    app.create_secret(&project, "dev", "/", "ROOT", "at root")
        .await;
    app.create_secret(&project, "dev", "/app", "DB_PASSWORD", "hunter2")
        .await;
    app.create_secret(&project, "dev", "/app", "EMPTY", "")
        .await;
    let (glob, _) = app
        .mint_scoped(&project, "glob", "dev", "/**", &["read", "write"])
        .await;
    let (single, _) = app
        .mint_scoped(&project, "single", "dev", "/app", &["read"])
        .await;
    Fixture {
        app,
        project,
        glob,
        single,
    }
}

impl Fixture {
    /// The glob token's holder, sending the full token.
    fn glob(&self) -> Api {
        self.app.as_token(&self.glob)
    }

    /// The glob token's holder as a legacy client: only the access part leaves it.
    fn glob_access_part(&self) -> Api {
        self.app.as_token(&access_part(&self.glob))
    }

    fn single(&self) -> Api {
        self.app.as_token(&self.single)
    }

    /// The project key, unwrapped with the glob token's key part, as a legacy client does.
    async fn project_key(&self) -> String {
        let details = self.glob_access_part().get("/api/v2/service-token").await;
        assert_eq!(details.status, StatusCode::OK, "{details}");
        let key_part = self.glob.rsplit('.').next().unwrap();
        let wrapped = ciphertext(&details.json, "encryptedKey", "iv", "tag");
        String::from_utf8(wire::decrypt(key_part, &wrapped).unwrap()).unwrap()
    }
}

fn ciphertext(json: &Value, ciphertext: &str, iv: &str, tag: &str) -> WireCiphertext {
    let text = |field: &str| json[field].as_str().unwrap().to_owned();
    WireCiphertext {
        ciphertext: text(ciphertext),
        iv: text(iv),
        tag: text(tag),
    }
}

/// Decrypts the `{field}Ciphertext`/`IV`/`Tag` triple of an encrypted secret (`secretKey`,
/// `secretValue`).
fn open(key: &str, secret: &Value, field: &str) -> String {
    let sealed = ciphertext(
        secret,
        &format!("{field}Ciphertext"),
        &format!("{field}IV"),
        &format!("{field}Tag"),
    );
    String::from_utf8(wire::decrypt(key, &sealed).unwrap()).unwrap()
}
