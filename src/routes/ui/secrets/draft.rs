//! The secrets screen's forms as typed, shown again with a message per refused field.

use crate::error::AppError;
use crate::routes::ui::pages::sentence;
use actix_web::http::StatusCode;

/// The add or edit secret form as typed, with a message per invalid field.
#[derive(Default)]
pub struct SecretDraft {
    pub key: String,
    pub value: String,
    pub comment: String,
    pub key_error: Option<String>,
    pub value_error: Option<String>,
    /// Whether the (collapsible) add form starts open.
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

/// The new-folder form as typed, with its error.
#[derive(Default)]
pub struct FolderDraft {
    pub name: String,
    pub error: Option<String>,
    /// Whether the (collapsible) form starts open.
    pub open: bool,
}

impl FolderDraft {
    /// The form shown again after a refused folder, or other errors passed on.
    pub fn refused(name: String, error: AppError) -> Result<(StatusCode, Self), AppError> {
        let (status, message) = match error {
            AppError::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                fields
                    .first()
                    .map(|f| sentence(&f.message))
                    .unwrap_or_else(|| String::from("Invalid folder name.")),
            ),
            AppError::Conflict(_) => (
                StatusCode::CONFLICT,
                String::from("A folder with this name already exists here."),
            ),
            other => return Err(other),
        };
        let draft = FolderDraft {
            name,
            error: Some(message),
            open: true,
        };
        Ok((status, draft))
    }
}
