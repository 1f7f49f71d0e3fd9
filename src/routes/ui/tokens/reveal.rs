//! The page that shows a freshly minted token exactly once: the reveal entry is consumed by this
//! view and only the browser session that created the token can see it.

use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::urls;
use crate::service::projects;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "tokens/created.html")]
struct CreatedPage {
    layout: Layout,
    project: ProjectNav,
    token_name: String,
    token: String,
    access_part: String,
    key_part: String,
    back: String,
}

#[derive(Template)]
#[template(path = "tokens/gone.html")]
struct GonePage {
    layout: Layout,
    project: ProjectNav,
    back: String,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, reveal) = path.into_inner();
    let project = projects::get(&state.store, &ui.0, &project_id).await?;
    let nav = ProjectNav::new(&project, Section::Access);
    let back = urls::tokens(&project.id);
    let Some(revealed) = state
        .reveals
        .take(&reveal, &ui.0.id_hash)
        .filter(|r| r.project_id == project.id)
    else {
        let page = GonePage {
            layout: ui.layout(),
            project: nav,
            back,
        };
        return render(StatusCode::GONE, &page);
    };
    // `st.<id>.<secret>` authenticates; the part after it is the client's decryption key.
    let token = revealed.token.as_str();
    let cut = token
        .match_indices('.')
        .nth(2)
        .map(|(i, _)| i)
        .unwrap_or(token.len());
    let page = CreatedPage {
        layout: ui.layout(),
        project: nav,
        token_name: revealed.token_name.clone(),
        token: token.to_owned(),
        access_part: token[..cut].to_owned(),
        key_part: token.get(cut + 1..).unwrap_or("").to_owned(),
        back,
    };
    render(StatusCode::OK, &page)
}
