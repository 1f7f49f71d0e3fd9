//! Importing a `.env` file into a folder: the text (pasted, or loaded from a file by the script)
//! is posted, the server answers a preview from a dry run of the batch write (new, overwritten,
//! unchanged, skipped, and every parse or validation error with its line), and the preview's
//! confirm button posts the same text again to apply it in one transaction. Nothing is kept
//! between the two posts. The parser is `domain::dotenv` (no variable substitution), the batch
//! is the API's own (`BatchRequest::parse`, `batch::write`).

use super::place::Place;
use crate::domain::dotenv;
use crate::error::AppError;
use crate::routes::extract::form_config_up_to;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence, Layout, ProjectNav, Section};
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::secrets::batch::{
    self, BatchOutcome, BatchRequest, EntryRequest, Mode, MAX_BATCH_SECRETS,
};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// The largest `.env` text the form takes (as the API's batch body).
pub const IMPORT_TEXT_LIMIT: usize = 1024 * 1024;

/// The form body: the text percent-encoded (up to three bytes per byte) and a few small fields.
pub fn form_config() -> web::FormConfig {
    form_config_up_to(3 * IMPORT_TEXT_LIMIT + 16 * 1024)
}

/// An error of the file, on its line when it has one.
struct LineError {
    line: Option<usize>,
    message: String,
}

#[derive(Template)]
#[template(path = "secrets/import.html")]
struct ImportPage {
    layout: Layout,
    project: ProjectNav,
    env_name: String,
    path: String,
    text: String,
    overwrite: bool,
    errors: Vec<LineError>,
    outcome: BatchOutcome,
    action: String,
    back: String,
}

impl ImportPage {
    /// Whether confirming would write anything.
    fn changes(&self) -> bool {
        self.errors.is_empty()
            && !(self.outcome.created.is_empty() && self.outcome.overwritten.is_empty())
    }
}

pub(super) async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    ids: web::Path<(String, String)>,
    payload: web::Payload,
) -> UiResult<HttpResponse> {
    let (posted, _turn) = Posted::large(&req, payload, &state.large_bodies).await?;
    let place = Place::load(
        &state,
        &posted.session,
        ids.into_inner(),
        posted.form.get("path"),
    )
    .await?;
    let text = posted.form.lines("dotenv");
    if text.len() > IMPORT_TEXT_LIMIT {
        return Err(AppError::PayloadTooLarge.into());
    }
    let overwrite = posted.form.has("overwrite");
    let mode = match posted.form.has("apply") {
        true => Mode::Apply,
        false => Mode::DryRun,
    };
    let planned = plan(&state, &posted, &place, &text, overwrite, mode).await?;
    let (errors, outcome) = match planned {
        Ok(_) if mode == Mode::Apply => {
            let href = urls::with_notice(&place.href(), Notice::EnvImported);
            return Ok(redirect(&href));
        }
        Ok(outcome) => (Vec::new(), outcome),
        Err(errors) => (errors, BatchOutcome::default()),
    };
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = ImportPage {
        layout: posted.layout(),
        project: ProjectNav::new(&place.project, Section::Secrets),
        env_name: place.env_name.clone(),
        path: place.path().to_owned(),
        text,
        overwrite,
        errors,
        outcome,
        action: urls::env_import(&place.project.id, place.env()),
        back: place.href(),
    };
    render(status, &page)
}

/// Parses `text` and runs the batch (a dry run for the preview): the outcome, or every error
/// of the file with its line. Errors that are not about the file (access, a missing project)
/// are passed on.
async fn plan(
    state: &AppState,
    posted: &Posted,
    place: &Place,
    text: &str,
    overwrite: bool,
    mode: Mode,
) -> UiResult<Result<BatchOutcome, Vec<LineError>>> {
    let entries = match dotenv::parse(text) {
        Ok(entries) => entries,
        Err(e) => return Ok(Err(vec![on_line(Some(e.line), &e.message)])),
    };
    if entries.is_empty() {
        return Ok(Err(vec![on_line(None, "the text sets no variables")]));
    }
    if entries.len() > MAX_BATCH_SECRETS {
        let message = format!("at most {MAX_BATCH_SECRETS} variables in one import");
        return Ok(Err(vec![on_line(None, &message)]));
    }
    let lines: Vec<usize> = entries.iter().map(|e| e.line).collect();
    let request = BatchRequest {
        environment: Some(place.env().to_owned()),
        path: Some(place.path().to_owned()),
        secrets: Some(
            entries
                .into_iter()
                .map(|e| EntryRequest {
                    key: Some(e.key),
                    value: Some(e.value),
                    comment: None,
                })
                .collect(),
        ),
        overwrite: Some(overwrite),
        dry_run: Some(mode == Mode::DryRun),
    };
    let refused = |fields: Vec<crate::error::FieldError>| {
        fields
            .into_iter()
            .map(|f| on_line(entry_index(&f.field).map(|i| lines[i]), &f.message))
            .collect()
    };
    let parsed = match request.parse() {
        Ok(parsed) => parsed,
        Err(fields) => return Ok(Err(refused(fields))),
    };
    let caller = posted.caller();
    match batch::write(&state.store, &caller, &place.project.id, parsed).await {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(AppError::Validation(fields)) => Ok(Err(refused(fields))),
        Err(other) => Err(other.into()),
    }
}

fn on_line(line: Option<usize>, message: &str) -> LineError {
    LineError {
        line,
        message: sentence(message),
    }
}

/// `3` of `secrets[3].key`.
fn entry_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("secrets[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::entry_index;

    #[test]
    fn a_batch_field_names_its_entry() {
        assert_eq!(entry_index("secrets[3].key"), Some(3));
        assert_eq!(entry_index("secrets[12].value"), Some(12));
        assert_eq!(entry_index("path"), None);
    }
}
