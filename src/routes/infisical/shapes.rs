//! Infisical's response shapes, built from Envkeep's views.

use crate::crypto::wire;
use crate::db::tokens::TokenRow;
use crate::error::AppResult;
use crate::service::views::{FolderView, SecretView, ServiceTokenView, WrittenSecret};
use serde::Serialize;
use serde_json::{json, Value};

/// Infisical's stand-in for a value the caller may not see (`viewSecretValue=false`).
pub const HIDDEN_VALUE: &str = "<hidden-by-infisical>";

/// One secret in Infisical's plaintext shape, borrowed from the view and serialised directly:
/// building it as a `json!` tree cost more than the rest of a listing (a map insert and a string
/// copy per field). Fields are in the order the `Value` map used to print them.
#[derive(Serialize)]
pub struct RawSecret<'a> {
    #[serde(rename = "_id")]
    underscore_id: &'a str,
    #[serde(rename = "createdAt")]
    created_at: &'a str,
    environment: &'a str,
    id: &'a str,
    #[serde(rename = "secretComment")]
    secret_comment: &'a str,
    #[serde(rename = "secretKey")]
    secret_key: &'a str,
    #[serde(rename = "secretMetadata")]
    secret_metadata: [(); 0],
    #[serde(rename = "secretPath")]
    secret_path: &'a str,
    #[serde(rename = "secretReminderNote")]
    secret_reminder_note: Option<()>,
    #[serde(rename = "secretReminderRepeatDays")]
    secret_reminder_repeat_days: Option<()>,
    #[serde(rename = "secretValue")]
    secret_value: &'a str,
    #[serde(rename = "secretValueHidden")]
    secret_value_hidden: bool,
    #[serde(rename = "skipMultilineEncoding")]
    skip_multiline_encoding: bool,
    tags: [(); 0],
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "updatedAt")]
    updated_at: &'a str,
    version: i64,
    workspace: &'a str,
}

pub fn raw_secret<'a>(
    secret: &'a SecretView,
    project_id: &'a str,
    show_value: bool,
) -> RawSecret<'a> {
    RawSecret {
        underscore_id: &secret.id,
        created_at: &secret.created_at,
        environment: &secret.environment,
        id: &secret.id,
        secret_comment: &secret.comment,
        secret_key: &secret.key,
        secret_metadata: [],
        secret_path: &secret.path,
        secret_reminder_note: None,
        secret_reminder_repeat_days: None,
        secret_value: if show_value {
            &secret.value
        } else {
            HIDDEN_VALUE
        },
        secret_value_hidden: !show_value,
        skip_multiline_encoding: false,
        tags: [],
        kind: "shared",
        updated_at: &secret.updated_at,
        version: secret.version,
        workspace: project_id,
    }
}

/// A written secret in the plaintext shape. Without `read` the value is withheld as `""` with
/// `secretValueHidden: true` and the comment as `""`: Infisical's SDKs require both keys.
pub fn raw_written<'a>(written: &'a WrittenSecret, project_id: &'a str) -> RawSecret<'a> {
    let secret = match written {
        WrittenSecret::Readable(secret) => return raw_secret(secret, project_id, true),
        WrittenSecret::Withheld(secret) => secret,
    };
    RawSecret {
        underscore_id: &secret.id,
        created_at: &secret.created_at,
        environment: &secret.environment,
        id: &secret.id,
        secret_comment: "",
        secret_key: &secret.key,
        secret_metadata: [],
        secret_path: &secret.path,
        secret_reminder_note: None,
        secret_reminder_repeat_days: None,
        secret_value: "",
        secret_value_hidden: true,
        skip_multiline_encoding: false,
        tags: [],
        kind: "shared",
        updated_at: &secret.updated_at,
        version: secret.version,
        workspace: project_id,
    }
}

/// The end-to-end-encrypted shape: name, value and comment each sealed with AES-256-GCM under
/// the project's wire key, with fresh IVs.
pub fn e2ee_secret(secret: &SecretView, project_id: &str, wire_key: &str) -> AppResult<Value> {
    let key = wire::encrypt(wire_key, secret.key.as_bytes())?;
    let value = wire::encrypt(wire_key, secret.value.as_bytes())?;
    let comment = wire::encrypt(wire_key, secret.comment.as_bytes())?;
    Ok(json!({
        "id": secret.id,
        "_id": secret.id,
        "version": secret.version,
        "type": "shared",
        "secretKeyCiphertext": key.ciphertext,
        "secretKeyIV": key.iv,
        "secretKeyTag": key.tag,
        "secretValueCiphertext": value.ciphertext,
        "secretValueIV": value.iv,
        "secretValueTag": value.tag,
        "secretCommentCiphertext": comment.ciphertext,
        "secretCommentIV": comment.iv,
        "secretCommentTag": comment.tag,
        "secretReminderNote": null,
        "secretReminderRepeatDays": null,
        "skipMultilineEncoding": false,
        "algorithm": "aes-256-gcm",
        "keyEncoding": "utf8",
        "metadata": null,
        "createdAt": secret.created_at,
        "updatedAt": secret.updated_at,
        "workspace": project_id,
        "environment": secret.environment,
        "secretPath": secret.path,
        "tags": [],
    }))
}

/// `serviceTokenData`: the token without its hash or wrapped key.
pub fn token_data(view: &ServiceTokenView) -> Value {
    json!({
        "id": view.id,
        "_id": view.id,
        "name": view.name,
        "scopes": view.scopes,
        "permissions": view.permissions,
        "lastUsed": view.last_used_at,
        "expiresAt": view.expires_at,
        "createdAt": view.created_at,
        "updatedAt": view.created_at,
        "createdBy": view.created_by,
        "projectId": view.project_id,
        "expiryNotificationSent": false,
    })
}

/// `GET /api/v2/service-token`: the token's details with both id spellings, its wrapped key and
/// its creator; never the secret hash. The project key opens every value of the project, so a
/// token without `read` gets empty `encryptedKey`, `iv` and `tag` (as a token created with
/// empty ones does).
pub fn token_details(view: &ServiceTokenView, row: &TokenRow, user: Option<Value>) -> Value {
    let mut details = token_data(view);
    let wrapped = |field: &str| {
        if row.permissions.read {
            json!(field)
        } else {
            json!("")
        }
    };
    if let Value::Object(map) = &mut details {
        map.insert("__v".into(), json!(0));
        map.insert("workspace".into(), json!(view.project_id));
        map.insert("encryptedKey".into(), wrapped(&row.encrypted_key));
        map.insert("iv".into(), wrapped(&row.iv));
        map.insert("tag".into(), wrapped(&row.tag));
        map.insert("user".into(), user.unwrap_or(Value::Null));
    }
    details
}

pub fn folder(folder: &FolderView) -> Value {
    json!({
        "id": folder.id,
        "name": folder.name,
        "version": 1,
        "createdAt": folder.created_at,
        "updatedAt": folder.created_at,
        "isReserved": false,
        "description": null,
        "lastSecretModified": null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_shape_is_infisicals() {
        let secret = SecretView {
            id: "i".into(),
            key: "K".into(),
            value: "v".into(),
            comment: "c".into(),
            version: 3,
            environment: "dev".into(),
            path: "/app".into(),
            created_at: "t0".into(),
            updated_at: "t1".into(),
        };
        let expected = json!({
            "id": "i", "_id": "i", "workspace": "p", "environment": "dev", "version": 3,
            "type": "shared", "secretKey": "K", "secretValue": "v", "secretComment": "c",
            "secretPath": "/app", "skipMultilineEncoding": false, "secretReminderNote": null,
            "secretReminderRepeatDays": null, "createdAt": "t0", "updatedAt": "t1",
            "secretValueHidden": false, "tags": [], "secretMetadata": [],
        });
        let shown = serde_json::to_string(&raw_secret(&secret, "p", true)).unwrap();
        assert_eq!(
            shown,
            expected.to_string(),
            "same bytes as the json! tree printed"
        );
        let hidden = serde_json::to_value(raw_secret(&secret, "p", false)).unwrap();
        assert_eq!(hidden["secretValue"], HIDDEN_VALUE);
        assert_eq!(hidden["secretValueHidden"], true);
    }

    #[test]
    fn a_withheld_written_secret_has_an_empty_hidden_value_and_no_comment() {
        let written = WrittenSecret::Withheld(crate::service::views::SecretMetadata {
            id: "i".into(),
            key: "K".into(),
            version: 2,
            environment: "dev".into(),
            path: "/app".into(),
            created_at: "t0".into(),
            updated_at: "t1".into(),
        });
        let raw = serde_json::to_value(raw_written(&written, "p")).unwrap();
        assert_eq!(
            (
                &raw["secretValue"],
                &raw["secretValueHidden"],
                &raw["secretComment"]
            ),
            (&json!(""), &json!(true), &json!(""))
        );
        assert_eq!(
            (&raw["secretKey"], &raw["version"]),
            (&json!("K"), &json!(2))
        );
    }
}
