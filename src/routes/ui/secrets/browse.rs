//! The secrets browser: environment tabs, folder breadcrumb, sub-folders, and a table of key /
//! masked value (reveal and copy) / comment / updated, with the add-secret and new-folder forms.
//! A secret whose stored ciphertext does not decrypt is shown as damaged, with its Delete.

use super::draft::{FolderDraft, SecretDraft};
use super::imports::{panel, ImportsPanel};
use super::place::Place;
use super::preview::{mark, RefMark};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::domain::{Depth, SecretPath};
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::finding::{Find, FindQuery, Pager};
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::NoticeQuery;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::summary::ErrorSummary;
use crate::routes::ui::urls;
use crate::service::views::ProjectView;
use crate::service::{folders, projects, secrets};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

struct EnvTab {
    name: String,
    href: String,
    active: bool,
}

struct Crumb {
    name: String,
    href: String,
}

struct SecretLine {
    key: String,
    value: String,
    comment: String,
    updated: Option<When>,
    edit_href: String,
    delete_href: String,
    history_href: String,
    /// Set when the value holds `${…}` references.
    reference: Option<RefMark>,
}

/// A secret stored but not decryptable: its key, why, and where to delete it.
struct DamagedLine {
    key: String,
    reason: String,
    delete_href: String,
}

#[derive(Template)]
#[template(path = "secrets/browse.html")]
pub(super) struct SecretsPage {
    layout: Layout,
    project: ProjectNav,
    envs: Vec<EnvTab>,
    overview_href: String,
    env_name: String,
    path: String,
    crumbs: Vec<Crumb>,
    folders: Vec<Crumb>,
    secrets: Vec<SecretLine>,
    damaged: Vec<DamagedLine>,
    add: SecretDraft,
    folder: FolderDraft,
    add_action: String,
    folder_action: String,
    trash_href: String,
    restore_href: String,
    /// The filter as typed and where its form goes (this environment's page).
    q: String,
    filter_action: String,
    clear_href: String,
    pager: Pager,
    import_action: String,
    export_href: String,
    /// Whether the caller may write here (viewers see no add, edit or delete buttons).
    writable: bool,
    imports: ImportsPanel,
}

impl SecretsPage {
    fn summary(&self) -> ErrorSummary {
        ErrorSummary::of(&[
            ("key", self.add.key_error.as_ref()),
            ("value", self.add.value_error.as_ref()),
            ("folder-name", self.folder.error.as_ref()),
        ])
    }
}

/// The two forms on the page, as typed when one is shown again with errors.
#[derive(Default)]
pub(super) struct Drafts {
    pub add: SecretDraft,
    pub folder: FolderDraft,
    /// Why a change to the folder's imports was refused.
    pub import_error: Option<String>,
}

#[derive(Template)]
#[template(path = "secrets/no_environments.html")]
struct NoEnvironmentsPage {
    layout: Layout,
    project: ProjectNav,
}

/// The Secrets tab: the first environment, or a page that says there is none.
pub(super) async fn first_environment(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    let caller = ui.caller();
    let readable = project
        .environments
        .iter()
        .find(|e| readable(&caller, &project.id, &e.slug));
    match readable {
        Some(env) => Ok(redirect(&urls::secrets(&project.id, &env.slug, "/"))),
        None => {
            let page = NoEnvironmentsPage {
                layout: ui.layout(),
                project: ProjectNav::new(&project, Section::Secrets),
            };
            render(StatusCode::OK, &page)
        }
    }
}

#[derive(Deserialize)]
pub(super) struct FolderQuery {
    pub path: Option<String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<FolderQuery>,
    notice: web::Query<NoticeQuery>,
    find: web::Query<FindQuery>,
) -> UiResult<HttpResponse> {
    let place = Place::load(&state, &ui.0, ids.into_inner(), query.path.as_deref()).await?;
    let layout = ui.layout_with(notice.notice());
    let caller = ui.caller();
    let page = build(
        &state,
        layout,
        &caller,
        &place,
        Drafts::default(),
        &find.find(),
    )
    .await?;
    render(StatusCode::OK, &page)
}

/// The page for `place` as `caller` sees it, with the forms as in `drafts`: the folders and
/// secrets that match `find`'s filter (by name, key or comment, never by value), the secrets one
/// page of them.
pub(super) async fn build(
    state: &AppState,
    layout: Layout,
    caller: &Caller,
    place: &Place,
    drafts: Drafts,
    find: &Find,
) -> UiResult<SecretsPage> {
    let (project, env, path) = (&place.project, place.env(), &place.at.path);
    // The environment tabs keep the folder, which another environment may not have: there it
    // is shown empty (adding a secret creates it), not as a 404.
    let subfolders = match folders::list(&state.store, caller, &place.at, Depth::OneLevel).await {
        Err(AppError::NotFound(_)) if !path.is_root() => Vec::new(),
        listed => listed?,
    };
    let found = match secrets::list_cached(&state.store, caller, &place.at, Depth::OneLevel).await {
        Err(AppError::NotFound(_)) if !path.is_root() => None,
        listed => Some(listed?),
    };
    let (stored, damaged) = match &found {
        Some(listing) => (listing.secrets(), listing.unreadable()),
        None => (&[][..], &[][..]),
    };
    let here = urls::secrets(&project.id, env, path.as_str());
    let matching = stored
        .iter()
        .filter(|s| find.matches(&[&s.key, &s.comment]))
        .collect();
    let (shown, pager) = find.page(matching, |page| {
        urls::with_params(&here, &[("q", &find.q), ("page", &page.to_string())])
    });
    let now = now_millis();
    let crumbs = path
        .lineage()
        .into_iter()
        .enumerate()
        .map(|(i, p)| Crumb {
            // The root's crumb is the environment itself.
            name: if i == 0 {
                place.env_name.clone()
            } else {
                p.name().to_owned()
            },
            href: urls::secrets(&project.id, env, p.as_str()),
        })
        .collect();
    Ok(SecretsPage {
        layout,
        project: ProjectNav::new(project, Section::Secrets),
        envs: env_tabs(caller, project, env, path.as_str()),
        overview_href: urls::overview(&project.id, path.as_str()),
        env_name: place.env_name.clone(),
        path: path.as_str().to_owned(),
        crumbs,
        folders: subfolders
            .into_iter()
            .filter(|f| find.matches(&[&f.name]))
            .map(|f| Crumb {
                href: urls::secrets(&project.id, env, &f.path),
                name: f.name,
            })
            .collect(),
        secrets: shown
            .into_iter()
            .map(|s| SecretLine {
                updated: when_rfc3339(&s.updated_at, now),
                edit_href: urls::secret_edit(&project.id, env, path.as_str(), &s.key),
                delete_href: urls::secret_delete(&project.id, env, path.as_str(), &s.key),
                history_href: urls::secret_history(&project.id, env, path.as_str(), &s.key),
                reference: mark(caller, place, &s.key, &s.value),
                key: s.key.clone(),
                value: s.value.clone(),
                comment: s.comment.clone(),
            })
            .collect(),
        damaged: damaged
            .iter()
            .filter(|u| find.matches(&[&u.key]))
            .map(|u| DamagedLine {
                delete_href: urls::secret_delete(&project.id, env, path.as_str(), &u.key),
                key: u.key.clone(),
                reason: u.reason.clone(),
            })
            .collect(),
        add: drafts.add,
        folder: drafts.folder,
        add_action: urls::secret_add(&project.id, env),
        folder_action: urls::folder_add(&project.id, env),
        trash_href: urls::trash(&project.id, env),
        restore_href: urls::folder_restore(&project.id, env, path.as_str()),
        q: find.q.clone(),
        filter_action: urls::secrets(&project.id, env, "/"),
        clear_href: here,
        import_action: urls::env_import(&project.id, env),
        export_href: urls::env_export(&project.id, env, path.as_str()),
        pager,
        writable: caller.require(&project.id, Op::Write, env, path).is_ok(),
        imports: panel(state, caller, place, drafts.import_error).await?,
    })
}

/// May `caller` read the root of environment `slug` (so its tab leads somewhere)?
fn readable(caller: &Caller, project_id: &str, slug: &str) -> bool {
    caller
        .require(project_id, Op::Read, slug, &SecretPath::root())
        .is_ok()
}

/// The tabs of the environments the caller may read, for people (a token never browses), each
/// at the folder shown, so switching environment keeps the path.
fn env_tabs(caller: &Caller, project: &ProjectView, active: &str, path: &str) -> Vec<EnvTab> {
    project
        .environments
        .iter()
        .filter(|e| e.slug == active || readable(caller, &project.id, &e.slug))
        .map(|e| EnvTab {
            name: e.name.clone(),
            href: urls::secrets(&project.id, &e.slug, path),
            active: e.slug == active,
        })
        .collect()
}
