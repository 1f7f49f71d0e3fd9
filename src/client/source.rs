//! The server operations the commands need, over the native API (`/api/v1`) or, with `--e2ee`,
//! over Infisical's end-to-end-encrypted shapes.

use super::config::Settings;
use super::e2ee::{EncryptedList, EncryptedOne, TokenDetails};
use super::exit::ClientError;
use super::http::{segment, Api, Conditional, Method};
use super::secret::Secret;
use super::target::{refused_path_hint, resolve, Requested, Scope, Target, TokenInfo};
use crate::domain::Depth;
use serde::Deserialize;
use serde_json::json;

/// Which API the secrets travel over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// The native API: the server decrypts them.
    Native,
    /// Infisical's end-to-end-encrypted shapes (`--e2ee`): decrypted here with the token's key
    /// part.
    EndToEnd,
}

impl Wire {
    pub fn end_to_end_if(flag: bool) -> Self {
        if flag {
            Self::EndToEnd
        } else {
            Self::Native
        }
    }
}

/// Whether to ask the server about the token when the flags already say where to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Info {
    IfNeeded,
    /// Its expiry matters (`--fallback-cache` keeps it with the cached answer).
    Always,
}

pub struct Remote<'a> {
    api: Api<'a>,
    settings: &'a Settings,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WhoAmI {
    kind: String,
    service_token: Option<NativeToken>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NativeToken {
    project_id: String,
    #[serde(default)]
    scopes: Vec<Scope>,
    #[serde(default)]
    permissions: Vec<String>,
    expires_at: Option<String>,
}

#[derive(Deserialize)]
struct List {
    secrets: Vec<Secret>,
    #[serde(default)]
    imports: Vec<Imported>,
}

#[derive(Deserialize)]
struct Imported {
    secrets: Vec<Secret>,
}

/// What a listing asks the server for beyond one folder's stored values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub depth: Depth,
    /// Expand secret references on the server (`expand=true`).
    pub expand: bool,
    /// Merge the folder's imports (`includeImports=true`).
    pub include_imports: bool,
}

impl Reading {
    /// One folder's or subtree's values as stored.
    pub fn stored(depth: Depth) -> Self {
        Self {
            depth,
            expand: false,
            include_imports: false,
        }
    }
}

/// The local secrets, then each name only imports have, from the last import that has it (an
/// import's own secret before what it imports in turn). Every name appears once among the
/// imported ones, so no imported secret can shadow a local one later.
fn with_imports(mut local: Vec<Secret>, imports: Vec<Imported>) -> Vec<Secret> {
    let mut seen: std::collections::HashSet<String> = local.iter().map(|s| s.key.clone()).collect();
    let mut added = Vec::new();
    for entry in imports.into_iter().rev() {
        for secret in entry.secrets {
            if seen.insert(secret.key.clone()) {
                added.push(secret);
            }
        }
    }
    local.extend(added);
    local
}

#[derive(Deserialize)]
struct One {
    secret: Secret,
}

impl<'a> Remote<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        Self {
            api: Api::new(settings),
            settings,
        }
    }

    fn requested(&self) -> Requested<'_> {
        Requested {
            project: self.settings.project.as_deref(),
            environment: self.settings.environment.as_deref(),
            path: self.settings.path.as_deref(),
        }
    }

    /// `GET /api/v1/auth/token`: the token's project, scopes, permissions and expiry.
    pub fn token_info(&self) -> Result<TokenInfo, ClientError> {
        let who: WhoAmI = self.api.get("/api/v1/auth/token", &[])?;
        match (who.kind.as_str(), who.service_token) {
            ("serviceToken", Some(token)) => Ok(TokenInfo {
                project_id: token.project_id,
                scopes: token.scopes,
                permissions: token.permissions,
                expires_at: token.expires_at,
            }),
            _ => Err(ClientError::usage("the credential is not a service token")),
        }
    }

    /// Where to read or write over the native API; asks the server only for what is missing.
    pub fn target(&self) -> Result<Target, ClientError> {
        self.locate(Info::IfNeeded).map(|(target, _)| target)
    }

    /// The target, and the token's metadata when it was asked for (always with
    /// [`Info::Always`]).
    pub fn locate(&self, info: Info) -> Result<(Target, Option<TokenInfo>), ClientError> {
        let requested = self.requested();
        let info = match info {
            Info::IfNeeded if requested.is_complete() => None,
            // An identity names its project and environment itself (checked at start) and has
            // no service-token metadata to ask for.
            _ if self.settings.token.is_identity() => None,
            _ => Some(self.token_info()?),
        };
        Ok((resolve(&requested, info.as_ref())?, info))
    }

    /// The secrets at `target` over the native API, unless they are still those of `etag`.
    pub fn list_at(
        &self,
        target: &Target,
        reading: Reading,
        etag: Option<&str>,
    ) -> Result<Conditional<Vec<Secret>>, ClientError> {
        let [env, path] = Self::location(target);
        let flag = |on: bool| if on { "true" } else { "false" };
        let query = [
            env,
            path,
            ("recursive", flag(reading.depth == Depth::Recursive)),
            ("expand", flag(reading.expand)),
            ("includeImports", flag(reading.include_imports)),
        ];
        let answer = self
            .api
            .get_if_changed::<List>(&Self::secrets_path(target), &query, etag)
            .map_err(|e| self.explain_refusal(e, target))?;
        Ok(match answer {
            Conditional::Unchanged => Conditional::Unchanged,
            Conditional::Changed(list, etag) => {
                Conditional::Changed(with_imports(list.secrets, list.imports), etag)
            }
        })
    }

    /// A read refused for its path (the token may read, but not there) gets the token's scopes
    /// and a suggestion; every other failure stays as it is.
    fn explain_refusal(&self, error: ClientError, target: &Target) -> ClientError {
        if error.status != Some(403) || error.server_error.as_deref() != Some("PermissionDenied") {
            return error;
        }
        match self.token_info() {
            Ok(info) if info.permissions.iter().any(|p| p == "read") => ClientError {
                message: format!(
                    "{}\n{}",
                    error.message,
                    refused_path_hint(&info, &target.environment)
                ),
                ..error
            },
            _ => error,
        }
    }

    fn secrets_path(target: &Target) -> String {
        format!("/api/v1/projects/{}/secrets", segment(&target.project_id))
    }

    fn one_path(target: &Target, name: &str) -> String {
        format!("{}/{}", Self::secrets_path(target), segment(name))
    }

    fn location(target: &Target) -> [(&str, &str); 2] {
        [
            ("environment", target.environment.as_str()),
            ("path", target.path.as_str()),
        ]
    }

    /// Every secret at the target (and below it, `Depth::Recursive`).
    pub fn list(&self, reading: Reading, wire: Wire) -> Result<(Target, Vec<Secret>), ClientError> {
        match (wire, reading.depth) {
            (Wire::Native, _) => self.list_native(reading),
            (Wire::EndToEnd, Depth::OneLevel) => self.list_e2ee(),
            (Wire::EndToEnd, Depth::Recursive) => Err(ClientError::usage(
                "--recursive is not available with --e2ee (the encrypted API lists one folder)",
            )),
        }
    }

    fn list_native(&self, reading: Reading) -> Result<(Target, Vec<Secret>), ClientError> {
        let target = self.target()?;
        match self.list_at(&target, reading, None)? {
            Conditional::Changed(secrets, _) => Ok((target, secrets)),
            Conditional::Unchanged => Err(ClientError::unexpected(
                "the server answered 304 Not Modified to a request without If-None-Match",
            )),
        }
    }

    pub fn get(&self, name: &str, wire: Wire) -> Result<Secret, ClientError> {
        if wire == Wire::EndToEnd {
            return self.get_e2ee(name);
        }
        let target = self.target()?;
        let one: One = self
            .api
            .get(&Self::one_path(&target, name), &Self::location(&target))?;
        Ok(one.secret)
    }

    /// Updates the secret, or creates it (and its folders) when it does not exist yet.
    pub fn set(&self, name: &str, value: &str) -> Result<Secret, ClientError> {
        let target = self.target()?;
        let update = || -> Result<One, ClientError> {
            self.api.send(
                Method::Patch,
                &Self::one_path(&target, name),
                &Self::location(&target),
                &json!({ "value": value }),
            )
        };
        let created = match update() {
            Err(e) if e.status == Some(404) => {
                let body = json!({ "environment": target.environment, "path": target.path, "key": name, "value": value });
                match self
                    .api
                    .send::<One>(Method::Post, &Self::secrets_path(&target), &[], &body)
                {
                    // Someone created it between our two requests: update it after all.
                    Err(e) if e.status == Some(409) => update(),
                    other => other,
                }
            }
            other => other,
        }?;
        Ok(created.secret)
    }

    /// `POST …/secret-batches` with `body` (many secrets of one folder in one transaction).
    pub fn write_batch<T: serde::de::DeserializeOwned>(
        &self,
        target: &Target,
        body: &impl serde::Serialize,
    ) -> Result<T, ClientError> {
        let path = format!(
            "/api/v1/projects/{}/secret-batches",
            segment(&target.project_id)
        );
        self.api.send(Method::Post, &path, &[], body)
    }

    pub fn delete(&self, name: &str) -> Result<Target, ClientError> {
        let target = self.target()?;
        self.api
            .delete(&Self::one_path(&target, name), &Self::location(&target))?;
        Ok(target)
    }

    /// The token details (project, scopes, wrapped key), the target and the opened project key.
    fn e2ee_context(&self) -> Result<(Target, zeroize::Zeroizing<String>), ClientError> {
        if self.settings.token.is_identity() {
            return Err(ClientError::usage(
                "--e2ee needs a service token (its key part unwraps the project key); a machine identity reads the plaintext API",
            ));
        }
        let details: TokenDetails = self.api.get("/api/v2/service-token", &[])?;
        let target = resolve(&self.requested(), Some(&details.info()?))?;
        let key = details.project_key(self.settings.token.key())?;
        Ok((target, key))
    }

    fn e2ee_query(target: &Target) -> [(&str, &str); 3] {
        [
            ("workspaceId", target.project_id.as_str()),
            ("environment", target.environment.as_str()),
            ("secretPath", target.path.as_str()),
        ]
    }

    fn list_e2ee(&self) -> Result<(Target, Vec<Secret>), ClientError> {
        let (target, key) = self.e2ee_context()?;
        let list: EncryptedList = self
            .api
            .get("/api/v3/secrets", &Self::e2ee_query(&target))?;
        let secrets = list
            .secrets
            .iter()
            .map(|s| s.decrypt(&key, &target.environment, &target.path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((target, secrets))
    }

    fn get_e2ee(&self, name: &str) -> Result<Secret, ClientError> {
        let (target, key) = self.e2ee_context()?;
        let mut query = Self::e2ee_query(&target).to_vec();
        query.push(("type", "shared"));
        let one: EncryptedOne = self
            .api
            .get(&format!("/api/v3/secrets/{}", segment(name)), &query)?;
        one.secret.decrypt(&key, &target.environment, &target.path)
    }
}
