//! Infisical's query and body parameters, and how they name a project, environment and folder.

use super::version::ApiVersion;
use crate::auth::Caller;
use crate::domain::{Depth, EnvSlug, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::routes::extract::truthy;
use crate::routes::location::environment_from_query;
use crate::service::secrets::{Extras, Location};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Every parameter the clients send, in the query or in a JSON body; unknown ones are ignored.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    pub workspace_id: Option<String>,
    pub project_id: Option<String>,
    pub environment: Option<String>,
    pub secret_path: Option<String>,
    /// The folder routes call it `path` (legacy alias `directory`).
    pub path: Option<String>,
    pub directory: Option<String>,
    #[serde(rename = "include_imports")]
    pub include_imports_snake: Option<String>,
    pub include_imports: Option<String>,
    pub recursive: Option<String>,
    pub view_secret_value: Option<String>,
    pub expand_secret_references: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub secret_value: Option<String>,
    pub secret_comment: Option<String>,
    pub secret_key_ciphertext: Option<String>,
    #[serde(rename = "secretKeyIV")]
    pub secret_key_iv: Option<String>,
    pub secret_key_tag: Option<String>,
    pub secret_value_ciphertext: Option<String>,
    #[serde(rename = "secretValueIV")]
    pub secret_value_iv: Option<String>,
    pub secret_value_tag: Option<String>,
    pub secret_comment_ciphertext: Option<String>,
    #[serde(rename = "secretCommentIV")]
    pub secret_comment_iv: Option<String>,
    pub secret_comment_tag: Option<String>,
}

/// A JSON body, or none: Infisical's clients send DELETE parameters in a body, some GET-like
/// calls send none at all.
pub fn body(bytes: &[u8]) -> AppResult<Params> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Params::default());
    }
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            AppError::validation("body", format!("a field has the wrong type: {e}"))
        } else {
            AppError::BadRequest(format!("The body is not valid JSON: {e}"))
        }
    })
}

/// A write's parameters: the JSON body's, falling back on the query's. Personal secrets belong
/// to users; a token (or this server, which has none) cannot write one.
pub fn for_write(query: Params, bytes: &[u8]) -> AppResult<Params> {
    let merged = query.overlaid_with(body(bytes)?)?;
    if merged.is_personal() {
        return Err(AppError::BadRequest(String::from(
            "Must be user to create personal secret",
        )));
    }
    Ok(merged)
}

/// The parameters as a JSON map under their wire names, `None` as null.
fn fields(params: Params) -> AppResult<Map<String, Value>> {
    match serde_json::to_value(params).map_err(AppError::internal)? {
        Value::Object(map) => Ok(map),
        other => Err(AppError::internal(format!("parameters became {other}"))),
    }
}

/// Where a request points when the caller is a token with exactly one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Where the request says (`workspaceId`/`projectId`, `environment`, `secretPath`).
    AsSent,
    /// At that scope whatever the request says, when the scope's path is no glob and names a
    /// folder (Infisical's raw and v4 reads, reference §4.5); otherwise as sent.
    SingleScope,
}

impl Params {
    /// These parameters with every field `over` sets (to anything but null) taken from it. Each
    /// side was parsed into `Params` on its own, so bad input keeps its own message (the query's
    /// 400, the body's 422 with line and column); the overlay itself goes through the fields'
    /// JSON maps, so that a new parameter is named once, in the struct.
    pub fn overlaid_with(self, over: Params) -> AppResult<Params> {
        let mut merged = fields(self)?;
        merged.extend(fields(over)?.into_iter().filter(|(_, v)| !v.is_null()));
        serde_json::from_value(Value::Object(merged)).map_err(AppError::internal)
    }

    pub fn depth(&self) -> Depth {
        Depth::recursive_if(truthy(self.recursive.as_deref()))
    }

    /// `viewSecretValue` defaults to true.
    pub fn view_values(&self) -> bool {
        self.view_secret_value
            .as_deref()
            .is_none_or(|v| truthy(Some(v)))
    }

    /// `expandSecretReferences` and `include_imports` (camelCase `includeImports` when the
    /// snake_case one is absent), each `"true"` or `"false"` (422 otherwise), default false.
    pub fn extras(&self) -> AppResult<Extras> {
        let imports = self
            .include_imports_snake
            .as_deref()
            .or(self.include_imports.as_deref());
        Ok(Extras {
            expand_references: strict_bool(
                "expandSecretReferences",
                self.expand_secret_references.as_deref(),
            )?,
            include_imports: strict_bool("include_imports", imports)?,
        })
    }

    pub fn is_personal(&self) -> bool {
        self.kind.as_deref() == Some("personal")
    }

    /// The project the parameters name (`workspaceId`, else `projectId`).
    pub fn project(&self) -> Option<&str> {
        self.workspace_id
            .as_deref()
            .or(self.project_id.as_deref())
            .filter(|p| !p.is_empty())
    }

    fn folder_path(&self) -> Option<&str> {
        self.secret_path
            .as_deref()
            .or(self.path.as_deref())
            .or(self.directory.as_deref())
    }

    /// Where the request points, as `target` says; naming no project or environment is the
    /// 400 that `version` words.
    pub fn location(
        &self,
        caller: &Caller,
        target: Target,
        version: ApiVersion,
    ) -> AppResult<Location> {
        if target == Target::SingleScope {
            if let Some(at) = single_scope(caller) {
                return Ok(at);
            }
        }
        let project = self.project();
        let (Some(project), Some(environment)) = (
            project,
            self.environment.as_deref().filter(|e| !e.is_empty()),
        ) else {
            return Err(AppError::BadRequest(version.missing_location().to_owned()));
        };
        Ok(Location {
            project_id: project.to_owned(),
            environment: environment_from_query(Some(environment))?,
            path: match self.folder_path() {
                None | Some("") => SecretPath::root(),
                Some(raw) => {
                    SecretPath::parse(raw).map_err(|e| AppError::validation("secretPath", e.0))?
                }
            },
        })
    }
}

/// The one scope of a token that has exactly one, when it names a single folder.
fn single_scope(caller: &Caller) -> Option<Location> {
    let record = caller.token()?;
    let [only] = record.scopes.as_slice() else {
        return None;
    };
    if only.glob.is_glob() {
        return None;
    }
    // A scope path that cannot name a folder (`/app/.hidden`: globs allow more than folder names
    // do) points nowhere; the request's own place is checked against the scope instead.
    Some(Location {
        project_id: record.project_id.clone(),
        environment: EnvSlug::parse(&only.environment).ok()?,
        path: SecretPath::parse(only.glob.as_str()).ok()?,
    })
}

/// `"true"` or `"false"`, as Infisical parses these flags; absent is false.
fn strict_bool(field: &str, raw: Option<&str>) -> AppResult<bool> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(AppError::validation(field, "must be \"true\" or \"false\"")),
    }
}

pub fn secret_name(raw: &str) -> AppResult<SecretKey> {
    SecretKey::parse(raw).map_err(|e| AppError::validation("secretName", e.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> Params {
        body(json.as_bytes()).unwrap()
    }

    #[test]
    fn the_body_wins_where_it_sets_a_field_and_the_query_fills_the_rest() {
        let query = parsed(r#"{"workspaceId":"q","environment":"dev","secretPath":"/q"}"#);
        let over = parsed(r#"{"secretPath":"/b","workspaceId":null,"secretValueIV":"iv"}"#);
        let merged = query.overlaid_with(over).unwrap();
        assert_eq!(merged.secret_path.as_deref(), Some("/b"));
        assert_eq!(
            merged.workspace_id.as_deref(),
            Some("q"),
            "null is no value"
        );
        assert_eq!(merged.environment.as_deref(), Some("dev"));
        assert_eq!(merged.secret_value_iv.as_deref(), Some("iv"));
    }

    #[test]
    fn every_renamed_field_survives_the_overlay() {
        let all = parsed(
            r#"{"include_imports":"a","includeImports":"b","type":"shared","secretKeyIV":"c",
                "secretValueIV":"d","secretCommentIV":"e","secretCommentTag":"f"}"#,
        );
        let merged = Params::default().overlaid_with(all.clone()).unwrap();
        assert_eq!(format!("{merged:?}"), format!("{all:?}"));
    }
}
