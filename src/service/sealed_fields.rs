//! A secret row's sealed fields: the size limits on what is sealed, sealing a value and comment
//! under the project's data key, and opening a row into its API view. The associated data names
//! the row (project, environment, folder, key, field), so a ciphertext moved to another row or
//! field fails to open; that is an integrity error, never garbage.

use super::views::SecretView;
use crate::db::secrets::SecretRow;
use crate::error::{AppError, AppResult};
use crate::store::{secret_aad, ProjectKeys};
use crate::time::rfc3339;

pub const MAX_VALUE_BYTES: usize = 65_536;
pub const MAX_COMMENT_BYTES: usize = 16_384;

pub fn check_sizes(value: Option<&str>, comment: Option<&str>) -> AppResult<()> {
    if value.is_some_and(|v| v.len() > MAX_VALUE_BYTES) {
        return Err(AppError::validation(
            "value",
            format!("must be at most {MAX_VALUE_BYTES} bytes"),
        ));
    }
    if comment.is_some_and(|c| c.len() > MAX_COMMENT_BYTES) {
        return Err(AppError::validation(
            "comment",
            format!("must be at most {MAX_COMMENT_BYTES} bytes"),
        ));
    }
    Ok(())
}

pub fn seal_row(
    keys: &ProjectKeys,
    project_id: &str,
    row: &mut SecretRow,
    value: &str,
    comment: &str,
) {
    row.value_ct = seal_field(keys, project_id, row, "value", value);
    row.comment_ct = seal_field(keys, project_id, row, "comment", comment);
}

/// Seals one field (`"value"` or `"comment"`) of the row that `row`'s environment, folder and
/// key name; its id, version and ciphertexts play no part.
pub fn seal_field(
    keys: &ProjectKeys,
    project_id: &str,
    row: &SecretRow,
    field: &str,
    plain: &str,
) -> Vec<u8> {
    let aad = secret_aad(project_id, &row.environment_id, &row.path, &row.key, field);
    keys.data.seal(plain.as_bytes(), &aad)
}

fn open_field(
    keys: &ProjectKeys,
    project_id: &str,
    row: &SecretRow,
    field: &str,
    sealed: &[u8],
) -> AppResult<String> {
    let aad = secret_aad(project_id, &row.environment_id, &row.path, &row.key, field);
    let plain = keys.data.open(sealed, &aad).map_err(|e| {
        AppError::Integrity(format!(
            "secret {} ({field}) in project {project_id}: {e}",
            row.id
        ))
    })?;
    String::from_utf8(plain)
        .map_err(|_| AppError::Integrity(format!("secret {} ({field}) is not UTF-8", row.id)))
}

/// Decrypts a stored row into its API view.
pub fn open_row(
    keys: &ProjectKeys,
    project_id: &str,
    environment: &str,
    row: &SecretRow,
) -> AppResult<SecretView> {
    Ok(SecretView {
        id: row.id.clone(),
        key: row.key.clone(),
        value: open_field(keys, project_id, row, "value", &row.value_ct)?,
        comment: open_field(keys, project_id, row, "comment", &row.comment_ct)?,
        version: row.version,
        environment: environment.to_owned(),
        path: row.path.clone(),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    })
}
