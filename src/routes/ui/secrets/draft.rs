//! The add/edit secret form as typed, and how a refused write maps to messages by its fields.

use crate::error::AppError;
use crate::routes::ui::pages::sentence;
use actix_web::http::StatusCode;

/// The add-secret form as typed, with a message per invalid field.
#[derive(Default)]
pub struct SecretDraft {
    pub key: String,
    pub value: String,
    pub comment: String,
    pub key_error: Option<String>,
    pub value_error: Option<String>,
    pub open: bool,
}

/// Maps a refused secret write to messages next to the fields, or passes other errors on.
pub fn field_errors(error: AppError, draft: &mut SecretDraft) -> Result<StatusCode, AppError> {
    match error {
        AppError::Validation(fields) => {
            for field in fields {
                let message = Some(sentence(&field.message));
                match field.field.as_str() {
                    "key" => draft.key_error = message,
                    _ => draft.value_error = message,
                }
            }
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        AppError::Conflict(_) => {
            draft.key_error = Some(String::from(
                "A secret with this key already exists in this folder; edit it instead.",
            ));
            Ok(StatusCode::CONFLICT)
        }
        other => Err(other),
    }
}
