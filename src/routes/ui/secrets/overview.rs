//! A project's Overview: one folder's keys down, its environments across, so a key missing in
//! an environment, or set differently in two, shows at a glance. Values stay masked until a cell
//! is revealed; cells with the same value share a letter (A, B, …). Only environments the caller
//! may read are columns: each one is listed through the same access check as the secrets page,
//! and one it refuses is left out (counted, never named).

use super::place::Place;
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::domain::Depth;
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::finding::{Find, FindQuery, Pager};
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::urls;
use crate::service::secrets::Location;
use crate::service::{folders, projects, secrets};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

struct Link {
    name: String,
    href: String,
}

/// One environment's cell of a key: its value (if set there) and the letter of that value.
struct Cell {
    value: Option<String>,
    letter: char,
}

struct KeyRow {
    key: String,
    cells: Vec<Cell>,
    missing: bool,
    differs: bool,
}

#[derive(Template)]
#[template(path = "secrets/overview.html")]
struct OverviewPage {
    layout: Layout,
    project: ProjectNav,
    path: String,
    columns: Vec<Link>,
    crumbs: Vec<Link>,
    folders: Vec<Link>,
    rows: Vec<KeyRow>,
    /// Environments left out because the caller may not read this folder there.
    unreadable: usize,
    q: String,
    action: String,
    pager: Pager,
}

#[derive(Deserialize)]
pub(super) struct OverviewQuery {
    path: Option<String>,
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    project_id: web::Path<String>,
    query: web::Query<OverviewQuery>,
    find: web::Query<FindQuery>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &project_id).await?;
    let Some(first) = project.environments.first() else {
        return Err(AppError::NotFound(String::from("This project has no environments")).into());
    };
    // The folder path is checked once, as the secrets page does (an invalid one is a 404).
    let ids = (project.id.clone(), first.slug.clone());
    let place = Place::load(&state, &ui.0, ids, query.path.as_deref()).await?;
    let page = build(&state, ui.layout(), &ui.caller(), &place, &find.find()).await?;
    render(StatusCode::OK, &page)
}

/// What one environment holds in the folder: its sub-folders and key → value.
struct Column {
    folders: Vec<String>,
    values: BTreeMap<String, String>,
}

/// The folder in one environment, or `None` when the caller may not read it there. A folder
/// that does not exist in that environment is empty there.
async fn column(state: &AppState, caller: &Caller, at: &Location) -> UiResult<Option<Column>> {
    let listed = secrets::list_cached(&state.store, caller, at, Depth::OneLevel).await;
    let values = match listed {
        Ok(listing) => listing
            .secrets()
            .iter()
            .map(|s| (s.key.clone(), s.value.clone()))
            .collect(),
        Err(AppError::Forbidden(_) | AppError::PermissionDenied(_)) => return Ok(None),
        Err(AppError::NotFound(_)) => BTreeMap::new(),
        Err(other) => return Err(other.into()),
    };
    let folders = match folders::list(&state.store, caller, at, Depth::OneLevel).await {
        Ok(found) => found.into_iter().map(|f| f.name).collect(),
        Err(AppError::NotFound(_)) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    Ok(Some(Column { folders, values }))
}

async fn build(
    state: &AppState,
    layout: Layout,
    caller: &Caller,
    place: &Place,
    find: &Find,
) -> UiResult<OverviewPage> {
    let (project, path) = (&place.project, place.path());
    let mut columns = Vec::new();
    let mut data = Vec::new();
    let mut unreadable = 0;
    for env in &project.environments {
        let at = Location {
            environment: crate::domain::EnvSlug::parse(&env.slug)
                .map_err(|e| AppError::internal(e.0))?,
            ..place.at.clone()
        };
        // The policy (DESIGN §9, `auth::policy` through `Caller::require`) decides which
        // environments are columns; the listing's own check stays behind it.
        if caller
            .require(&project.id, Op::Read, env.slug.as_str(), &at.path)
            .is_err()
        {
            unreadable += 1;
            continue;
        }
        match column(state, caller, &at).await? {
            Some(found) => {
                columns.push(Link {
                    name: env.name.clone(),
                    href: urls::secrets(&project.id, &env.slug, path),
                });
                data.push(found);
            }
            None => unreadable += 1,
        }
    }
    let keys: BTreeSet<&String> = data.iter().flat_map(|c| c.values.keys()).collect();
    let matching: Vec<&String> = keys.into_iter().filter(|k| find.matches(&[k])).collect();
    let here = urls::overview(&project.id, path);
    let (shown, pager) = find.page(matching, |page| {
        urls::with_params(&here, &[("q", &find.q), ("page", &page.to_string())])
    });
    let rows = shown.into_iter().map(|key| row(key, &data)).collect();
    let folder_names: BTreeSet<&String> = data.iter().flat_map(|c| c.folders.iter()).collect();
    let folders = folder_names
        .into_iter()
        .filter(|name| find.matches(&[name]))
        .map(|name| Link {
            href: urls::overview(&project.id, &child(path, name)),
            name: name.clone(),
        })
        .collect();
    let crumbs = place
        .at
        .path
        .lineage()
        .into_iter()
        .enumerate()
        .map(|(i, p)| Link {
            name: if i == 0 {
                String::from("All environments")
            } else {
                p.name().to_owned()
            },
            href: urls::overview(&project.id, p.as_str()),
        })
        .collect();
    Ok(OverviewPage {
        layout,
        project: ProjectNav::new(project, Section::Secrets),
        path: path.to_owned(),
        columns,
        crumbs,
        folders,
        rows,
        unreadable,
        q: find.q.clone(),
        action: urls::overview(&project.id, "/"),
        pager,
    })
}

/// `key`'s cells: equal values share a letter, in the order they first appear.
fn row(key: &str, data: &[Column]) -> KeyRow {
    let mut seen: Vec<&String> = Vec::new();
    let cells: Vec<Cell> = data
        .iter()
        .map(|c| match c.values.get(key) {
            Some(value) => {
                let index = seen.iter().position(|v| *v == value).unwrap_or_else(|| {
                    seen.push(value);
                    seen.len() - 1
                });
                Cell {
                    value: Some(value.clone()),
                    letter: letter(index),
                }
            }
            None => Cell {
                value: None,
                letter: ' ',
            },
        })
        .collect();
    KeyRow {
        key: key.to_owned(),
        missing: cells.iter().any(|c| c.value.is_none()),
        differs: seen.len() > 1,
        cells,
    }
}

fn letter(index: usize) -> char {
    char::from(b'A' + (index % 26) as u8)
}

fn child(path: &str, name: &str) -> String {
    match path {
        "/" => format!("/{name}"),
        parent => format!("{parent}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(pairs: &[(&str, &str)]) -> Column {
        Column {
            folders: Vec::new(),
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_key_is_missing_or_differs_and_equal_values_share_a_letter() {
        let data = [
            column(&[("A", "1"), ("B", "x")]),
            column(&[("A", "2")]),
            column(&[("A", "1"), ("B", "x")]),
        ];
        let a = row("A", &data);
        assert!(a.differs && !a.missing);
        let letters: Vec<char> = a.cells.iter().map(|c| c.letter).collect();
        assert_eq!(letters, ['A', 'B', 'A']);
        let b = row("B", &data);
        assert!(b.missing && !b.differs);
    }
}
