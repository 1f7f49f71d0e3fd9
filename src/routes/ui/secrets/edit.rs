//! Editing one secret's value and comment. The key identifies the secret and is not editable:
//! to rename, add a new secret and delete the old one.

use super::draft::{field_errors, SecretDraft};
use super::place::{Item, ItemQuery};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::summary::ErrorSummary;
use crate::routes::ui::urls;
use crate::service::secrets;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "secrets/edit.html")]
struct EditPage {
    layout: Layout,
    project: ProjectNav,
    env_name: String,
    path: String,
    draft: SecretDraft,
    action: String,
    back: String,
    history: String,
}

impl EditPage {
    fn summary(&self) -> ErrorSummary {
        ErrorSummary::of(&[
            ("key", self.draft.key_error.as_ref()),
            ("value", self.draft.value_error.as_ref()),
        ])
    }

    fn new(layout: Layout, item: &Item, draft: SecretDraft) -> Self {
        let place = &item.place;
        let draft_key = item.key.as_str().to_owned();
        EditPage {
            layout,
            project: ProjectNav::new(&place.project, Section::Secrets),
            env_name: place.env_name.clone(),
            path: place.path().to_owned(),
            draft,
            action: urls::secret_edit_action(&place.project.id, place.env()),
            back: place.href(),
            history: urls::secret_history(&place.project.id, place.env(), place.path(), &draft_key),
        }
    }
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<ItemQuery>,
) -> UiResult<HttpResponse> {
    let item = Item::from_query(&state, &ui.0, ids.into_inner(), &query).await?;
    let secret = secrets::get(&state.store, &ui.caller(), &item.place.at, &item.key).await?;
    let draft = SecretDraft {
        key: secret.key,
        value: secret.value,
        comment: secret.comment,
        ..SecretDraft::default()
    };
    render(StatusCode::OK, &EditPage::new(ui.layout(), &item, draft))
}

pub(super) async fn save(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let item = Item::from_form(&state, &posted.session, ids.into_inner(), &posted.form).await?;
    let (value, comment) = (posted.form.lines("value"), posted.form.lines("comment"));
    let caller = posted.caller();
    // The form posts the value back even when only the comment changed: saving what is already
    // stored would make a version that differs in nothing. A secret that cannot be read (damaged)
    // is saved as sent, which replaces it.
    if let Ok(stored) = secrets::get(&state.store, &caller, &item.place.at, &item.key).await {
        if stored.value == value && stored.comment == comment {
            let href = urls::with_notice(&item.place.href(), Notice::SecretUnchanged);
            return Ok(redirect(&href));
        }
    }
    let saved = secrets::update(
        &state.store,
        &caller,
        &item.place.at,
        &item.key,
        Some(&value),
        Some(&comment),
    )
    .await;
    let mut draft = SecretDraft {
        key: item.key.as_str().to_owned(),
        value,
        comment,
        ..SecretDraft::default()
    };
    let status = match saved {
        Ok(_) => {
            let href = urls::with_notice(&item.place.href(), Notice::SecretSaved);
            return Ok(redirect(&href));
        }
        Err(e) => field_errors(e, &mut draft)?,
    };
    render(status, &EditPage::new(posted.layout(), &item, draft))
}
