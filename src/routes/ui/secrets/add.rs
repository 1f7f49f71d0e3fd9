//! The browser's two forms: add a secret to the folder shown, create a folder in it. A refused
//! form shows the browser again with the values as typed and the message beside the field.

use super::browse::{build, Drafts};
use super::draft::{field_errors, FolderDraft, SecretDraft};
use super::place::Place;
use crate::domain::{FolderName, SecretKey};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::finding::FindQuery;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence};
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::{folders, secrets};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub(super) async fn secret(
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
    let form = &posted.form;
    let mut draft = SecretDraft {
        key: form.text("key").trim().to_owned(),
        value: form.lines("value"),
        comment: form.lines("comment"),
        open: true,
        ..SecretDraft::default()
    };
    let caller = posted.caller();
    let status = match SecretKey::parse(&draft.key) {
        Err(e) => {
            draft.key_error = Some(sentence(&e.0));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(key) => {
            let (value, comment) = (&draft.value, &draft.comment);
            match secrets::create(&state.store, &caller, &place.at, &key, value, comment).await {
                Ok(_) => {
                    let href = urls::with_notice(&place.href(), Notice::SecretAdded);
                    return Ok(redirect(&href));
                }
                Err(e) => field_errors(e, &mut draft)?,
            }
        }
    };
    let drafts = Drafts {
        add: draft,
        ..Drafts::default()
    };
    let everything = FindQuery::default().find();
    let page = build(
        &state,
        posted.layout(),
        &caller,
        &place,
        drafts,
        &everything,
    )
    .await?;
    render(status, &page)
}

pub(super) async fn folder(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let parent = Place::load(
        &state,
        &posted.session,
        ids.into_inner(),
        posted.form.get("path"),
    )
    .await?;
    let name = posted.form.text("name").trim().to_owned();
    let caller = posted.caller();
    let created = match FolderName::parse(&name) {
        Ok(valid) => {
            let (project_id, env) = (&parent.project.id, &parent.at.environment);
            folders::create(
                &state.store,
                &caller,
                project_id,
                env,
                &parent.at.path,
                &valid,
            )
            .await
        }
        Err(invalid) => Err(AppError::validation("name", invalid.0)),
    };
    let (status, folder) = match created {
        Ok(created) => {
            let href = urls::secrets(&parent.project.id, parent.env(), &created.path);
            return Ok(redirect(&urls::with_notice(&href, Notice::FolderCreated)));
        }
        Err(refused) => FolderDraft::refused(name, refused)?,
    };
    let drafts = Drafts {
        folder,
        ..Drafts::default()
    };
    let everything = FindQuery::default().find();
    let page = build(
        &state,
        posted.layout(),
        &caller,
        &parent,
        drafts,
        &everything,
    )
    .await?;
    render(status, &page)
}
