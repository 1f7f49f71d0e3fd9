//! A secret row's sealed fields: the size limits on what is sealed, sealing a value and comment
//! under the project's data key, and opening a row into its API view. The associated data names
//! the row (project, environment, folder, key, field), so a ciphertext moved to another row or
//! field fails to open; that is an integrity error, never garbage.

use super::views::SecretView;
use crate::db::secrets::SecretRow;
use crate::error::{AppError, AppResult};
use crate::store::{secret_aad, ProjectKeys, Unreadable};
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

/// The bytes a row's ciphertexts take, as the storage limits count them.
pub fn sealed_len(row: &SecretRow) -> usize {
    row.value_ct.len() + row.comment_ct.len()
}

/// A sealed field of a row: its value or its comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Value,
    Comment,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Value => "value",
            Field::Comment => "comment",
        }
    }
}

/// Decrypts one field of a stored row.
pub fn open(
    keys: &ProjectKeys,
    project_id: &str,
    row: &SecretRow,
    field: Field,
) -> AppResult<String> {
    let sealed = match field {
        Field::Value => &row.value_ct,
        Field::Comment => &row.comment_ct,
    };
    open_field(keys, project_id, row, field.name(), sealed)
}

/// A row's API view with the given plaintexts.
pub fn view(row: &SecretRow, environment: &str, value: String, comment: String) -> SecretView {
    SecretView {
        id: row.id.clone(),
        key: row.key.clone(),
        value,
        comment,
        version: row.version,
        environment: environment.to_owned(),
        path: row.path.clone(),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    }
}

/// Decrypts a stored row into its API view.
pub fn open_row(
    keys: &ProjectKeys,
    project_id: &str,
    environment: &str,
    row: &SecretRow,
) -> AppResult<SecretView> {
    open_fields(keys, project_id, environment, row).map_err(|(_, e)| e)
}

fn open_fields(
    keys: &ProjectKeys,
    project_id: &str,
    environment: &str,
    row: &SecretRow,
) -> Result<SecretView, (Field, AppError)> {
    let value = open(keys, project_id, row, Field::Value).map_err(|e| (Field::Value, e))?;
    let comment = open(keys, project_id, row, Field::Comment).map_err(|e| (Field::Comment, e))?;
    Ok(view(row, environment, value, comment))
}

/// Decrypts every row, consuming them (each ciphertext is freed once opened), and sets aside
/// those that do not open: one damaged row must not fail a listing of the others.
pub fn open_rows(
    keys: &ProjectKeys,
    project_id: &str,
    environment: &str,
    rows: Vec<SecretRow>,
) -> (Vec<SecretView>, Vec<Unreadable>) {
    let mut opened = Vec::with_capacity(rows.len());
    let mut unreadable = Vec::new();
    for row in rows {
        match open_or_set_aside(keys, project_id, environment, row) {
            Ok(view) => opened.push(view),
            Err(set_aside) => unreadable.push(set_aside),
        }
    }
    (opened, unreadable)
}

/// Decrypts a row for a listing, or says why it cannot, logged with its key and project (never a
/// value).
pub fn open_or_set_aside(
    keys: &ProjectKeys,
    project_id: &str,
    environment: &str,
    row: SecretRow,
) -> Result<SecretView, Unreadable> {
    open_fields(keys, project_id, environment, &row).map_err(|(field, cause)| {
        tracing::warn!(
            project_id,
            environment,
            path = %row.path,
            key = %row.key,
            cause = %cause,
            "a stored secret does not decrypt; listings leave it out"
        );
        Unreadable {
            reason: format!(
                "the stored {} does not decrypt (damaged, or changed outside Envkeep); give the secret a new value and comment, or delete it",
                field.name()
            ),
            key: row.key,
            path: row.path,
        }
    })
}
