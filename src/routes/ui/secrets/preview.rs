//! Secret references on the secrets browser: the "ref" mark on a value that holds `${KEY}` or
//! `${env.a.b.KEY}`, and the page that previews the value expanded through the service with the
//! person's own read access. A reference the person may not read answers 403 with the message
//! naming the reference (never a value); the mark offers the preview only when every target
//! it names directly is readable (a nested one may still refuse, with the same message).

use super::place::{Item, ItemQuery, Place};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::domain::reference::{may_hold_references, pieces, Piece, Target};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::links;
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::service::secrets::{self, Extras};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

/// What the table shows beside a value with references.
pub(super) struct RefMark {
    /// The references as written, e.g. `${prod.api.TOKEN}`.
    pub references: Vec<String>,
    /// The preview page, when the person may read every folder named.
    pub preview_href: Option<String>,
}

/// The mark of `value` (secret `key` at `place`), if it holds references.
pub(super) fn mark(caller: &Caller, place: &Place, key: &str, value: &str) -> Option<RefMark> {
    if !may_hold_references(value) {
        return None;
    }
    let mut references = Vec::new();
    let mut readable = true;
    for piece in pieces(value) {
        if let Piece::Reference { text, target } = piece {
            references.push(text.to_owned());
            if let Target::Elsewhere {
                environment, path, ..
            } = &target
            {
                readable &= caller
                    .require(&place.project.id, Op::Read, environment.as_str(), path)
                    .is_ok();
            }
        }
    }
    if references.is_empty() {
        return None;
    }
    Some(RefMark {
        references,
        preview_href: readable
            .then(|| links::preview(&place.project.id, place.env(), place.path(), key)),
    })
}

#[derive(Template)]
#[template(path = "secrets/preview.html")]
struct PreviewPage {
    layout: Layout,
    project: ProjectNav,
    key: String,
    env_name: String,
    path: String,
    back: String,
    /// The expanded value, or why it may not be shown.
    expanded: Result<String, String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<ItemQuery>,
) -> UiResult<HttpResponse> {
    let item = Item::from_query(&state, &ui.0, ids.into_inner(), &query).await?;
    let place = &item.place;
    let extras = Extras {
        expand_references: true,
        include_imports: false,
    };
    // The service checks the person's read access to the secret and to every folder a
    // reference leads to, before anything there is looked up.
    let caller = ui.caller();
    let read = secrets::composed::get(&state.store, &caller, &place.at, &item.key, extras);
    let (status, expanded) = match read.await {
        Ok((secret, _)) => (StatusCode::OK, Ok(secret.value)),
        Err(AppError::PermissionDenied(message)) => (StatusCode::FORBIDDEN, Err(message)),
        Err(other) => return Err(other.into()),
    };
    let page = PreviewPage {
        layout: ui.layout(),
        project: ProjectNav::new(&place.project, Section::Secrets),
        key: item.key.as_str().to_owned(),
        env_name: place.env_name.clone(),
        path: place.path().to_owned(),
        back: place.href(),
        expanded,
    };
    render(status, &page)
}
