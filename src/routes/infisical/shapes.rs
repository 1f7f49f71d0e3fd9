//! Infisical's response shapes, built from Envkeep's views.

use crate::crypto::wire;
use crate::db::tokens::TokenRow;
use crate::error::AppResult;
use crate::service::views::{FolderView, SecretView, ServiceTokenView};
use serde_json::{json, Value};

/// Infisical's stand-in for a value the caller may not see (`viewSecretValue=false`).
pub const HIDDEN_VALUE: &str = "<hidden-by-infisical>";

pub fn raw_secret(secret: &SecretView, project_id: &str, show_value: bool) -> Value {
    json!({
        "id": secret.id,
        "_id": secret.id,
        "workspace": project_id,
        "environment": secret.environment,
        "version": secret.version,
        "type": "shared",
        "secretKey": secret.key,
        "secretValue": if show_value { secret.value.as_str() } else { HIDDEN_VALUE },
        "secretComment": secret.comment,
        "secretPath": secret.path,
        "skipMultilineEncoding": false,
        "secretReminderNote": null,
        "secretReminderRepeatDays": null,
        "createdAt": secret.created_at,
        "updatedAt": secret.updated_at,
        "secretValueHidden": !show_value,
        "tags": [],
        "secretMetadata": [],
    })
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
/// its creator; never the secret hash.
pub fn token_details(view: &ServiceTokenView, row: &TokenRow, user: Option<Value>) -> Value {
    let mut details = token_data(view);
    if let Value::Object(map) = &mut details {
        map.insert("__v".into(), json!(0));
        map.insert("workspace".into(), json!(view.project_id));
        map.insert("encryptedKey".into(), json!(row.encrypted_key));
        map.insert("iv".into(), json!(row.iv));
        map.insert("tag".into(), json!(row.tag));
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
