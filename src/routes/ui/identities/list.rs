//! Identities: the list with the create form, and deleting one after a confirmation.

use super::confirm::ask;
use super::find;
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::domain::Name;
use crate::error::AppError;
use crate::routes::ui::confirm::Question;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::links;
use crate::routes::ui::notice::{Notice, NoticeQuery};
use crate::routes::ui::pages::{redirect, render, sentence, Layout};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::identities;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

struct Line {
    name: String,
    client_id: String,
    created: Option<When>,
    href: String,
    delete_href: String,
}

#[derive(Template)]
#[template(path = "identities/list.html")]
struct ListPage {
    layout: Layout,
    identities: Vec<Line>,
    create_action: String,
    name: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    session: &AdminSession,
    layout: Layout,
    name: String,
    error: Option<String>,
) -> UiResult<ListPage> {
    // The page creates and deletes: it is for those who may (project admins attach from their
    // project's Access Control instead).
    session.decide(None, Action::ManageIdentities)?;
    let now = now_millis();
    let found = identities::list(&state.store, session).await?;
    Ok(ListPage {
        layout,
        identities: found
            .into_iter()
            .map(|i| Line {
                created: when_rfc3339(&i.created_at, now),
                href: links::identity(&i.id),
                delete_href: links::identity_delete(&i.id),
                name: i.name,
                client_id: i.client_id,
            })
            .collect(),
        create_action: links::identities(),
        name,
        error,
    })
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let layout = ui.layout_with(query.notice());
    render(
        StatusCode::OK,
        &page(&state, &ui.0, layout, String::new(), None).await?,
    )
}

pub(super) async fn create(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let typed = posted.form.text("name").trim().to_owned();
    let refused = match Name::parse(&typed) {
        Ok(name) => match identities::create(&state.store, &posted.session, name).await {
            Ok(created) => {
                let href =
                    urls::with_notice(&links::identity(&created.id), Notice::IdentityCreated);
                return Ok(redirect(&href));
            }
            Err(AppError::Validation(fields)) => fields
                .iter()
                .map(|f| sentence(&format!("Name {}", f.message)))
                .collect(),
            Err(other) => return Err(other.into()),
        },
        Err(e) => sentence(&format!("Name {}", e.0)),
    };
    let again = page(
        &state,
        &posted.session,
        posted.layout(),
        typed,
        Some(refused),
    );
    render(StatusCode::UNPROCESSABLE_ENTITY, &again.await?)
}

pub(super) async fn confirm_delete(
    state: web::Data<AppState>,
    ui: UiSession,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    ui.0.decide(None, Action::ManageIdentities)?;
    let identity = find(&state, &ui.0, &id).await?;
    let question = Question {
        title: format!("Delete machine identity {}?", identity.name),
        message: String::from(
            "Its client secrets stop working, every access token it holds is refused from the next request on, and it is detached from every project. This cannot be undone; to restore access, create a new identity.",
        ),
        button: "Delete identity",
        action: links::identity_delete(&identity.id),
        cancel: links::identity(&identity.id),
    };
    ask(ui.layout(), question)
}

pub(super) async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    identities::delete(&state.store, &posted.session, &id).await?;
    Ok(redirect(&urls::with_notice(
        &links::identities(),
        Notice::IdentityDeleted,
    )))
}
