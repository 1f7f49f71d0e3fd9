//! The settings page: the environments table with its forms, the project's facts and the
//! danger zone. The environment forms post to `environments`, which shows this page again when
//! one is refused.

use crate::auth::policy::Action;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::NoticeQuery;
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::summary::ErrorSummary;
use crate::routes::ui::urls;
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

struct EnvLine {
    name: String,
    slug: String,
    first: bool,
    last: bool,
    rename_href: String,
    move_href: String,
    delete_href: String,
}

/// The add-environment form as typed, with a message per invalid field.
#[derive(Default)]
pub(super) struct EnvDraft {
    pub name: String,
    pub slug: String,
    pub name_error: Option<String>,
    pub slug_error: Option<String>,
}

impl SettingsPage {
    fn summary(&self) -> ErrorSummary {
        let mut summary = ErrorSummary::of(&[
            ("env-name", self.draft.name_error.as_ref()),
            ("env-slug", self.draft.slug_error.as_ref()),
        ]);
        summary
            .problems
            .extend(ErrorSummary::whole_form(self.error.as_ref()).problems);
        summary
    }
}

#[derive(Template)]
#[template(path = "settings/page.html")]
pub(super) struct SettingsPage {
    layout: Layout,
    project: ProjectNav,
    project_id: String,
    project_slug: String,
    created: Option<When>,
    envs: Vec<EnvLine>,
    draft: EnvDraft,
    error: Option<String>,
    add_href: String,
    delete_href: String,
}

/// The page, with the add form as typed (`draft`) and a page-level `error`, if any.
pub(super) fn page(
    layout: Layout,
    project: &ProjectView,
    draft: EnvDraft,
    error: Option<String>,
) -> SettingsPage {
    let count = project.environments.len();
    let id = &project.id;
    SettingsPage {
        layout,
        project: ProjectNav::new(project, Section::Settings),
        project_id: id.clone(),
        project_slug: project.slug.clone(),
        created: when_rfc3339(&project.created_at, now_millis()),
        envs: project
            .environments
            .iter()
            .enumerate()
            .map(|(i, e)| EnvLine {
                name: e.name.clone(),
                slug: e.slug.clone(),
                first: i == 0,
                last: i + 1 == count,
                rename_href: urls::environment_rename(id, &e.slug),
                move_href: urls::environment_move(id, &e.slug),
                delete_href: urls::environment_delete(id, &e.slug),
            })
            .collect(),
        draft,
        error,
        add_href: urls::environment_add(id),
        delete_href: urls::project_delete(id),
    }
}

/// The page again after a refused rename or delete, with `message` above it.
pub(super) fn with_error(
    layout: Layout,
    project: &ProjectView,
    status: StatusCode,
    message: String,
) -> UiResult<HttpResponse> {
    render(
        status,
        &page(layout, project, EnvDraft::default(), Some(message)),
    )
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    ui.0.decide(Some(&project.id), Action::ConfigureProject)?;
    let layout = ui.layout_with(query.notice());
    render(
        StatusCode::OK,
        &page(layout, &project, EnvDraft::default(), None),
    )
}
