//! A folder's secret imports on the secrets browser: the list (environment and path, in
//! position order, each linking to the imported folder), and for project admins the forms to
//! add one, remove one and move one up or down. A refused change (a cycle, a missing folder, a
//! 409) comes back as the page with the message above the list. `service::imports` decides and
//! audits.

use super::browse::{build, Drafts};
use super::place::Place;
use crate::auth::policy::Action;
use crate::auth::Caller;
use crate::domain::{EnvSlug, SecretPath};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::finding::FindQuery;
use crate::routes::ui::links;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence};
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::imports::{self, Source};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub(super) struct ImportLine {
    pub environment: String,
    pub path: String,
    pub href: String,
    pub position: i64,
    pub first: bool,
    pub last: bool,
    pub move_action: String,
    pub remove_action: String,
}

pub(super) struct EnvOption {
    pub slug: String,
    pub name: String,
}

/// The imports card of the secrets browser.
pub(super) struct ImportsPanel {
    pub lines: Vec<ImportLine>,
    /// Whether the caller may add, remove and move imports (a project admin).
    pub manageable: bool,
    pub envs: Vec<EnvOption>,
    pub add_action: String,
    pub error: Option<String>,
}

pub(super) async fn panel(
    state: &AppState,
    caller: &Caller,
    place: &Place,
    error: Option<String>,
) -> UiResult<ImportsPanel> {
    let project = &place.project;
    // A folder shown but not stored yet (another environment's path) has no imports.
    let listed = match imports::list(&state.store, caller, &place.at).await {
        Err(AppError::NotFound(_)) if !place.at.path.is_root() => Vec::new(),
        listed => listed?,
    };
    let count = listed.len();
    let env = place.env();
    Ok(ImportsPanel {
        lines: listed
            .into_iter()
            .enumerate()
            .map(|(i, row)| ImportLine {
                href: urls::secrets(&project.id, &row.import_environment, &row.import_path),
                move_action: links::import_move(&project.id, env, &row.id),
                remove_action: links::import_remove(&project.id, env, &row.id),
                environment: project
                    .environment(&row.import_environment)
                    .map_or_else(|_| row.import_environment.clone(), |e| e.name.clone()),
                path: row.import_path,
                position: row.position,
                first: i == 0,
                last: i + 1 == count,
            })
            .collect(),
        manageable: caller
            .decide(Some(&project.id), Action::ConfigureProject)
            .is_ok(),
        envs: project
            .environments
            .iter()
            .map(|e| EnvOption {
                slug: e.slug.clone(),
                name: e.name.clone(),
            })
            .collect(),
        add_action: links::imports(&project.id, env),
        error,
    })
}

/// The page again with `message` on the imports card, answered with `status`.
async fn refused(
    state: &AppState,
    posted: &Posted,
    place: &Place,
    status: StatusCode,
    message: String,
) -> UiResult<HttpResponse> {
    let drafts = Drafts {
        import_error: Some(message),
        ..Drafts::default()
    };
    let everything = FindQuery::default().find();
    let caller = posted.caller();
    let page = build(state, posted.layout(), &caller, place, drafts, &everything);
    render(status, &page.await?)
}

/// The refusals shown on the card; anything else is an error page.
fn shown(error: AppError) -> Result<(StatusCode, String), AppError> {
    match error {
        AppError::Validation(fields) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            fields
                .iter()
                .map(|f| sentence(&f.message))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        AppError::Conflict(message) => Ok((StatusCode::CONFLICT, sentence(&message))),
        AppError::NotFound(message) => Ok((StatusCode::NOT_FOUND, sentence(&message))),
        other => Err(other),
    }
}

fn done(place: &Place, notice: Notice) -> HttpResponse {
    redirect(&urls::with_notice(&place.href(), notice))
}

pub(super) async fn add(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let place = Place::load(
        &state,
        &posted.session,
        ids.into_inner(),
        posted.form.get("path"),
    )
    .await?;
    let environment = EnvSlug::parse(posted.form.text("import_environment"))
        .map_err(|e| format!("Environment {}", e.0));
    let raw_path = posted.form.text("import_path").trim();
    let path = SecretPath::parse(if raw_path.is_empty() { "/" } else { raw_path })
        .map_err(|e| format!("Path {}", e.0));
    let source = match (environment, path) {
        (Ok(environment), Ok(path)) => Source { environment, path },
        (Err(e), _) | (_, Err(e)) => {
            return refused(
                &state,
                &posted,
                &place,
                StatusCode::UNPROCESSABLE_ENTITY,
                sentence(&e),
            )
            .await
        }
    };
    match imports::create(&state.store, &posted.caller(), &place.at, source).await {
        Ok(_) => Ok(done(&place, Notice::ImportAdded)),
        Err(e) => {
            let (status, message) = shown(e)?;
            refused(&state, &posted, &place, status, message).await
        }
    }
}

pub(super) async fn remove(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, env, import_id) = ids.into_inner();
    let place = Place::load(
        &state,
        &posted.session,
        (project_id, env),
        posted.form.get("path"),
    )
    .await?;
    match imports::delete(
        &state.store,
        &posted.caller(),
        &place.project.id,
        &import_id,
    )
    .await
    {
        Ok(()) => Ok(done(&place, Notice::ImportRemoved)),
        Err(e) => {
            let (status, message) = shown(e)?;
            refused(&state, &posted, &place, status, message).await
        }
    }
}

pub(super) async fn move_to(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, env, import_id) = ids.into_inner();
    let place = Place::load(
        &state,
        &posted.session,
        (project_id, env),
        posted.form.get("path"),
    )
    .await?;
    let Ok(position) = posted.form.text("position").parse::<i64>() else {
        let message = String::from("The new position must be a whole number.");
        return refused(
            &state,
            &posted,
            &place,
            StatusCode::UNPROCESSABLE_ENTITY,
            message,
        )
        .await;
    };
    let caller = posted.caller();
    match imports::move_to(
        &state.store,
        &caller,
        &place.project.id,
        &import_id,
        position,
    )
    .await
    {
        Ok(_) => Ok(done(&place, Notice::ImportMoved)),
        Err(e) => {
            let (status, message) = shown(e)?;
            refused(&state, &posted, &place, status, message).await
        }
    }
}
