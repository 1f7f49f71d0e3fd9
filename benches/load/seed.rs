//! Test data. The data the scenarios read and write goes through the HTTP API, as a user's would.
//! The bulk rows (100,000 tokens, 50,000 secrets, 100,000 expired tokens) would take minutes
//! through the API, so they are written straight into the SQLite file with the library's own
//! store and crypto code (the same formats the server writes), while the server is stopped.

use crate::server::{ADMIN_EMAIL, ADMIN_PASSWORD};
use envkeep::crypto::{random, root_key, wire};
use envkeep::db::secrets::SecretRow;
use envkeep::db::tokens::TokenRow;
use envkeep::db::{folders, projects, secrets, tokens, Db, DbError, Durability};
use envkeep::domain::{AllowedIps, EnvSlug, Name, Permissions, ScopeGlob};
use envkeep::store::{self, secret_aad, ProjectKeys, Touched};
use envkeep::time::now_millis;
use reqwest::Client;
use serde_json::{json, Value};
use std::path::Path;

pub const READ_PATH: &str = "/app";
pub const WRITE_PATH: &str = "/w";
/// `read-20-expand`'s folder: 10 plain secrets and 10 that reference them.
pub const EXPAND_PATH: &str = "/x";
pub const SECRETS_PER_FOLDER: usize = 20;
pub const ONE_KEY: &str = "KEY_07";
/// Folders the read-many scenarios cycle through, each with `SECRETS_PER_FOLDER` secrets.
pub const MANY_FOLDERS: usize = 200;
/// The read-many folders are this followed by three digits (`/many/f000`..); report.lua's read
/// rotation appends the same `%03d`.
pub const MANY_FOLDER_PREFIX: &str = "/many/f";
const MANY_SCOPE: &str = "/many/**";
const BULK_FOLDER_SIZE: usize = 100;
const BATCH: usize = 10_000;

/// What the scenarios need: the project and the tokens (access parts only).
pub struct Fixture {
    pub project: String,
    pub read_token: String,
    pub write_token: String,
    /// The read token's id with a wrong secret.
    pub bad_token: String,
    /// Reads `EXPAND_PATH`.
    pub expand_token: String,
    /// A machine identity's access token (viewer of the project).
    pub identity_token: String,
}

/// A 64-byte value, different for each secret.
fn value_64(seed: usize) -> String {
    format!("{seed:0>8}{}", "x".repeat(56))
}

pub async fn call(req: reqwest::RequestBuilder, expect: u16, what: &str) -> Result<Value, String> {
    let response = req.send().await.map_err(|e| format!("{what}: {e}"))?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| format!("{what}: {e}"))?;
    if status != expect {
        return Err(format!("{what}: expected {expect}, got {status}: {body}"));
    }
    Ok(serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn access_part(token: &str) -> String {
    token.splitn(4, '.').take(3).collect::<Vec<_>>().join(".")
}

/// The bootstrapped admin's API session, for seeding as a user would.
pub struct Admin {
    pub client: Client,
    pub base: String,
    pub session: String,
}

impl Admin {
    pub async fn login(base: &str) -> Result<Self, String> {
        let client = Client::new();
        let login = call(
            client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD })),
            200,
            "admin login",
        )
        .await?;
        let session = login["token"]
            .as_str()
            .ok_or("login answered no token")?
            .to_owned();
        Ok(Self {
            client,
            base: base.to_owned(),
            session,
        })
    }

    pub fn post(&self, path: &str, body: Value) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.session)
            .json(&body)
    }

    /// A new project's id.
    pub async fn project(&self, name: &str) -> Result<String, String> {
        let created = call(
            self.post("/api/v1/projects", json!({ "name": name })),
            201,
            "create project",
        )
        .await?;
        Ok(created["project"]["id"]
            .as_str()
            .ok_or("no project id")?
            .to_owned())
    }

    /// `SECRETS_PER_FOLDER` secrets `<prefix>_01`.. with 64-byte values in `dev` `path`.
    async fn fill(&self, project: &str, path: &str, prefix: &str) -> Result<(), String> {
        let secrets_path = format!("/api/v1/projects/{project}/secrets");
        for i in 1..=SECRETS_PER_FOLDER {
            let body = json!({ "environment": "dev", "path": path, "key": format!("{prefix}_{i:02}"), "value": value_64(i) });
            call(self.post(&secrets_path, body), 201, "create secret").await?;
        }
        Ok(())
    }

    /// `EXPAND_PATH`: `R_01`..`R_10` with 64-byte values and `E_01`..`E_10` =
    /// `pre-${R_nn}-post`.
    async fn fill_expand(&self, project: &str) -> Result<(), String> {
        let secrets_path = format!("/api/v1/projects/{project}/secrets");
        for i in 1..=SECRETS_PER_FOLDER / 2 {
            for (key, value) in [
                (format!("R_{i:02}"), value_64(i)),
                (format!("E_{i:02}"), format!("pre-${{R_{i:02}}}-post")),
            ] {
                let body = json!({ "environment": "dev", "path": EXPAND_PATH, "key": key, "value": value });
                call(self.post(&secrets_path, body), 201, "create secret").await?;
            }
        }
        Ok(())
    }

    /// A machine identity attached as a viewer, logged in with Universal Auth; its access token.
    async fn identity(&self, project: &str) -> Result<String, String> {
        let created = call(
            self.post("/api/v1/identities", json!({ "name": "bench" })),
            201,
            "create identity",
        )
        .await?;
        let id = created["identity"]["id"].as_str().ok_or("no identity id")?;
        let client_id = created["identity"]["clientId"]
            .as_str()
            .ok_or("no client id")?;
        let attach = json!({ "identityId": id, "role": "viewer" });
        call(
            self.post(&format!("/api/v1/projects/{project}/identities"), attach),
            201,
            "attach identity",
        )
        .await?;
        let secret = call(
            self.post(
                &format!("/api/v1/identities/{id}/client-secrets"),
                json!({}),
            ),
            201,
            "client secret",
        )
        .await?;
        let login = json!({ "clientId": client_id, "clientSecret": secret["clientSecret"] });
        let issued = call(
            self.client
                .post(format!("{}/api/v1/auth/universal-auth/login", self.base))
                .json(&login),
            200,
            "login",
        )
        .await?;
        Ok(issued["accessToken"]
            .as_str()
            .ok_or("no access token")?
            .to_owned())
    }

    /// A never-expiring token with one scope in `dev`; its access part.
    async fn mint(
        &self,
        project: &str,
        name: &str,
        glob: &str,
        permission: &str,
    ) -> Result<String, String> {
        let minted = call(
            self.post(
                &format!("/api/v1/projects/{project}/service-tokens"),
                json!({ "name": name, "scopes": [{ "environment": "dev", "secretPath": glob }], "permissions": [permission], "expiresIn": null }),
            ),
            201,
            &format!("mint {name} token"),
        )
        .await?;
        Ok(access_part(minted["token"].as_str().ok_or("no token")?))
    }
}

/// Logs in as the bootstrapped admin, creates a project with 20 secrets in `dev` `/app` and 20
/// in `dev` `/w`, a read token for `/app` and a write token for `/w`.
pub async fn through_api(base: &str) -> Result<Fixture, String> {
    let admin = Admin::login(base).await?;
    let project = admin.project("bench").await?;
    admin.fill(&project, READ_PATH, "KEY").await?;
    admin.fill(&project, WRITE_PATH, "W").await?;
    admin.fill_expand(&project).await?;
    let identity_token = admin.identity(&project).await?;
    let expand_token = admin
        .mint(&project, "bench-expand", EXPAND_PATH, "read")
        .await?;
    let read_token = admin
        .mint(&project, "bench-read", READ_PATH, "read")
        .await?;
    let write_token = admin
        .mint(&project, "bench-write", WRITE_PATH, "write")
        .await?;
    let id = read_token.split('.').nth(1).ok_or("malformed token")?;
    let bad_token = format!("st.{id}.{}", "0".repeat(32));
    Ok(Fixture {
        project,
        read_token,
        write_token,
        bad_token,
        expand_token,
        identity_token,
    })
}

/// What `read-many` and `read-many-mixed` need: a project of `MANY_FOLDERS` folders with a token
/// that reads them all, and a second project with a token that writes its `dev` `/w`.
pub struct ManyFolders {
    pub project: String,
    pub read_token: String,
    pub other_project: String,
    pub write_token: String,
}

/// Folder `i` of the read-many project.
pub fn many_folder(i: usize) -> String {
    format!("{MANY_FOLDER_PREFIX}{i:03}")
}

/// Creates a project with `SECRETS_PER_FOLDER` secrets in each of `MANY_FOLDERS` folders of
/// `dev` and a read token for `/many/**`, and an independent project with 20 secrets in `dev`
/// `/w` and a write token for them.
pub async fn many_folders(base: &str) -> Result<ManyFolders, String> {
    let admin = Admin::login(base).await?;
    let project = admin.project("bench-many").await?;
    for i in 0..MANY_FOLDERS {
        admin.fill(&project, &many_folder(i), "KEY").await?;
    }
    let read_token = admin
        .mint(&project, "bench-read-many", MANY_SCOPE, "read")
        .await?;
    let other_project = admin.project("bench-other").await?;
    admin.fill(&other_project, WRITE_PATH, "W").await?;
    let write_token = admin
        .mint(&other_project, "bench-write-other", WRITE_PATH, "write")
        .await?;
    Ok(ManyFolders {
        project,
        read_token,
        other_project,
        write_token,
    })
}

/// Checks that a route answers the expected shape before load is put on it.
pub async fn check_read(
    base: &str,
    token: &str,
    url_path: &str,
    expect_secrets: usize,
) -> Result<(), String> {
    let client = Client::new();
    let body = call(
        client.get(format!("{base}{url_path}")).bearer_auth(token),
        200,
        url_path,
    )
    .await?;
    let found = body["secrets"]
        .as_array()
        .map_or(usize::from(body["secret"].is_object()), Vec::len);
    if found != expect_secrets {
        return Err(format!(
            "{url_path}: expected {expect_secrets} secrets, got {found}: {body}"
        ));
    }
    Ok(())
}

/// The status and body of one GET with the read token (used to tell a missing route).
pub async fn probe(base: &str, token: &str, url_path: &str) -> Result<(u16, String), String> {
    let response = Client::new()
        .get(format!("{base}{url_path}"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    Ok((status, response.text().await.unwrap_or_default()))
}

/// Direct access to a stopped server's store and the project's keys.
pub struct Store {
    db: store::Store,
    keys: std::sync::Arc<ProjectKeys>,
    project: String,
}

impl Store {
    pub async fn open(data_dir: &Path, project: &str) -> Result<Self, String> {
        let db = Db::open(&data_dir.join("envkeep.db"), Durability::Normal)
            .map_err(|e| e.to_string())?;
        let root = root_key::read_file(&data_dir.join("root.key"))
            .map_err(|e| e.to_string())?
            .ok_or("the server wrote no root key")?;
        let db = store::Store::new(db, root, store::Bounds::default());
        let keys = db.project_keys(project).await.map_err(|e| e.to_string())?;
        Ok(Self {
            db,
            keys,
            project: project.to_owned(),
        })
    }

    /// `count` tokens scoped to `dev` `/bulk/**`, expired an hour ago when `expired`.
    pub fn add_tokens(&self, count: usize, expired: bool) -> Result<(), String> {
        let now = now_millis();
        let expires_at = if expired { Some(now - 3_600_000) } else { None };
        for start in (0..count).step_by(BATCH) {
            let rows: Vec<TokenRow> = (start..count.min(start + BATCH))
                .map(|i| self.token_row(i, now, expires_at))
                .collect::<Result<_, _>>()?;
            self.db
                .write_blocking(|tx| {
                    rows.iter().try_for_each(|row| tokens::insert(tx, row))?;
                    Ok(((), Touched::nothing()))
                })
                .map_err(|e: DbError| e.to_string())?;
        }
        Ok(())
    }

    fn token_row(&self, i: usize, now: i64, expires_at: Option<i64>) -> Result<TokenRow, String> {
        let wrapped = wire::encrypt(&random::hex16(), self.keys.wire_hex.as_bytes())
            .map_err(|e| e.to_string())?;
        Ok(TokenRow {
            id: random::hex16(),
            project_id: self.project.clone(),
            name: Name::parse(&format!("bulk-{i}")).map_err(|e| e.0)?,
            secret_hash: random::sha256(random::hex16().as_bytes()).to_vec(),
            encrypted_key: wrapped.ciphertext,
            iv: wrapped.iv,
            tag: wrapped.tag,
            permissions: Permissions::parse(&["read"]).map_err(|e| e.0)?,
            expires_at,
            allowed_ips: AllowedIps::default(),
            created_by: ADMIN_EMAIL.to_owned(),
            created_by_user_id: None,
            created_at: now,
            last_used_at: None,
            last_used_ip: None,
            scopes: vec![(
                EnvSlug::parse("dev").map_err(|e| e.0)?,
                ScopeGlob::parse("/bulk/**").map_err(|e| e.0)?,
            )],
        })
    }

    /// `count` secrets with 64-byte values in `dev`, 100 per folder under `/bulk`.
    pub fn add_secrets(&self, count: usize) -> Result<(), String> {
        let now = now_millis();
        let env = self
            .db
            .read_blocking(|conn| projects::find_environment(conn, &self.project, "dev"))
            .map_err(|e| e.to_string())?
            .ok_or("no dev environment")?;
        for start in (0..count).step_by(BATCH) {
            let end = count.min(start + BATCH);
            self.db
                .write_blocking(|tx| -> Result<((), Touched), DbError> {
                    folders::insert_if_missing(
                        tx,
                        &random::hex16(),
                        &self.project,
                        &env.id,
                        "/bulk",
                        now,
                    )?;
                    for i in start..end {
                        let path = format!("/bulk/f{:04}", i / BULK_FOLDER_SIZE);
                        if i % BULK_FOLDER_SIZE == 0 {
                            folders::insert_if_missing(
                                tx,
                                &random::hex16(),
                                &self.project,
                                &env.id,
                                &path,
                                now,
                            )?;
                        }
                        let key = format!("BULK_{i:06}");
                        let aad = |field| secret_aad(&self.project, &env.id, &path, &key, field);
                        let row = SecretRow {
                            id: random::hex16(),
                            environment_id: env.id.clone(),
                            value_ct: self.keys.data.seal(value_64(i).as_bytes(), &aad("value")),
                            comment_ct: self.keys.data.seal(b"", &aad("comment")),
                            path,
                            key,
                            version: 1,
                            created_at: now,
                            updated_at: now,
                        };
                        let by = envkeep::db::history::Author::default();
                        let made = secrets::Made {
                            action: "create",
                            by: &by,
                        };
                        secrets::insert(tx, &self.project, &row, made)?;
                    }
                    Ok(((), Touched::nothing()))
                })
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}
