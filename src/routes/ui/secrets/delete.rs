//! Deleting one secret, after a confirmation page.

use super::place::{Item, ItemQuery};
use crate::routes::ui::confirm::{ConfirmPage, Question};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, ProjectNav, Section};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::secrets;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub(super) async fn confirm(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<ItemQuery>,
) -> UiResult<HttpResponse> {
    let item = Item::from_query(&state, &ui.0, ids.into_inner(), &query).await?;
    let (place, key) = (&item.place, item.key.as_str());
    // Confirming the deletion of something that does not exist would mislead: 404 instead. The
    // secret is not opened, so a damaged one can be deleted too.
    secrets::require_stored(&state.store, &ui.caller(), &place.at, &item.key).await?;
    let question = Question {
        title: format!("Delete secret {key}?"),
        message: format!(
            "This deletes {key} from {} at {}. Applications and service tokens reading it will no longer find it. It cannot be undone.",
            place.env_name,
            place.path()
        ),
        button: "Delete secret",
        action: urls::secret_delete_action(&place.project.id, place.env()),
        cancel: place.href(),
    };
    let nav = ProjectNav::new(&place.project, Section::Secrets);
    let page = ConfirmPage {
        hidden: vec![
            (String::from("path"), place.path().to_owned()),
            (String::from("key"), key.to_owned()),
        ],
        ..ConfirmPage::new(ui.layout(), nav, question)
    };
    render(StatusCode::OK, &page)
}

pub(super) async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let item = Item::from_form(&state, &posted.session, ids.into_inner(), &posted.form).await?;
    secrets::delete(&state.store, &posted.caller(), &item.place.at, &item.key).await?;
    let href = urls::with_notice(&item.place.href(), Notice::SecretDeleted);
    Ok(redirect(&href))
}
