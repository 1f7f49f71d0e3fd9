//! Infisical's response shapes, built from Envkeep's views.

use crate::crypto::wire;
use crate::db::tokens::TokenRow;
use crate::error::AppResult;
use crate::service::secrets::ImportEntry;
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

/// `imports` in Infisical's shape: `[{secretPath, environment, folderId, secrets}]`, each
/// secret written by `secret`.
pub fn write_imports(
    entries: &[ImportEntry],
    out: &mut Vec<u8>,
    mut secret: impl FnMut(&SecretView, &mut Vec<u8>) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(br#"{"secretPath":"#);
        serde_json::to_writer(&mut *out, &entry.path)?;
        out.extend_from_slice(br#","environment":"#);
        serde_json::to_writer(&mut *out, &entry.environment)?;
        out.extend_from_slice(br#","folderId":"#);
        serde_json::to_writer(&mut *out, &entry.folder_id)?;
        out.extend_from_slice(br#","secrets":["#);
        for (j, s) in entry.secrets.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            secret(s, out)?;
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b']');
    Ok(())
}

/// The end-to-end-encrypted shape: name, value and comment each sealed with AES-256-GCM under
/// the project's wire key, with fresh IVs; serialised directly (fields in the order a `json!`
/// map printed them).
#[derive(Serialize)]
pub struct E2eeSecret<'a> {
    #[serde(rename = "_id")]
    underscore_id: &'a str,
    algorithm: &'static str,
    #[serde(rename = "createdAt")]
    created_at: &'a str,
    environment: &'a str,
    id: &'a str,
    #[serde(rename = "keyEncoding")]
    key_encoding: &'static str,
    metadata: Option<()>,
    #[serde(rename = "secretCommentCiphertext")]
    comment_ciphertext: String,
    #[serde(rename = "secretCommentIV")]
    comment_iv: String,
    #[serde(rename = "secretCommentTag")]
    comment_tag: String,
    #[serde(rename = "secretKeyCiphertext")]
    key_ciphertext: String,
    #[serde(rename = "secretKeyIV")]
    key_iv: String,
    #[serde(rename = "secretKeyTag")]
    key_tag: String,
    #[serde(rename = "secretPath")]
    secret_path: &'a str,
    #[serde(rename = "secretReminderNote")]
    secret_reminder_note: Option<()>,
    #[serde(rename = "secretReminderRepeatDays")]
    secret_reminder_repeat_days: Option<()>,
    #[serde(rename = "secretValueCiphertext")]
    value_ciphertext: String,
    #[serde(rename = "secretValueIV")]
    value_iv: String,
    #[serde(rename = "secretValueTag")]
    value_tag: String,
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

pub fn e2ee_secret<'a>(
    secret: &'a SecretView,
    project_id: &'a str,
    wire_key: &str,
) -> AppResult<E2eeSecret<'a>> {
    let key = wire::encrypt(wire_key, secret.key.as_bytes())?;
    let value = wire::encrypt(wire_key, secret.value.as_bytes())?;
    let comment = wire::encrypt(wire_key, secret.comment.as_bytes())?;
    Ok(E2eeSecret {
        underscore_id: &secret.id,
        algorithm: "aes-256-gcm",
        created_at: &secret.created_at,
        environment: &secret.environment,
        id: &secret.id,
        key_encoding: "utf8",
        metadata: None,
        comment_ciphertext: comment.ciphertext,
        comment_iv: comment.iv,
        comment_tag: comment.tag,
        key_ciphertext: key.ciphertext,
        key_iv: key.iv,
        key_tag: key.tag,
        secret_path: &secret.path,
        secret_reminder_note: None,
        secret_reminder_repeat_days: None,
        value_ciphertext: value.ciphertext,
        value_iv: value.iv,
        value_tag: value.tag,
        skip_multiline_encoding: false,
        tags: [],
        kind: "shared",
        updated_at: &secret.updated_at,
        version: secret.version,
        workspace: project_id,
    })
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
    fn the_encrypted_shape_is_infisicals_and_opens_with_the_wire_key() {
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
        let key = "0123456789abcdef0123456789abcdef";
        let text = serde_json::to_string(&e2ee_secret(&secret, "p", key).unwrap()).unwrap();
        let sealed: Value = serde_json::from_str(&text).unwrap();
        let fields: Vec<&str> = sealed
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = fields.clone();
        sorted.sort_unstable();
        assert_eq!(fields, sorted, "keys in the order a json! map printed them");
        assert_eq!(fields.len(), 25);
        assert_eq!(
            (
                &sealed["workspace"],
                &sealed["secretPath"],
                &sealed["version"]
            ),
            (&json!("p"), &json!("/app"), &json!(3))
        );
        let value = wire::WireCiphertext {
            ciphertext: sealed["secretValueCiphertext"].as_str().unwrap().into(),
            iv: sealed["secretValueIV"].as_str().unwrap().into(),
            tag: sealed["secretValueTag"].as_str().unwrap().into(),
        };
        assert_eq!(wire::decrypt(key, &value).unwrap(), b"v");
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
