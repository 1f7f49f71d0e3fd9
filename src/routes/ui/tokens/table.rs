//! The table of a project's service tokens: scopes, permissions, expiry, allowed IPs, last use;
//! filtered (`?q=`), sorted by name, expiry or last use (`?sort=&dir=`), expired ones hidden on
//! request (`?hide_expired=1`), a page of `PAGE_ROWS` at a time, all done on the server.

use super::expiry::{moment_rfc3339, Moment};
use super::sort::{Column, Order, SortQuery};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::finding::{FindQuery, Pager};
use crate::routes::ui::notice::NoticeQuery;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::urls;
use crate::service::views::{ScopeView, ServiceTokenView};
use crate::service::{projects, tokens};
use crate::state::AppState;
use crate::time::{now_millis, Millis};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

struct TokenLine {
    name: String,
    /// `st.748de6c1`: the start of every token string minted for this row, so a leaked token can
    /// be matched to it.
    id_prefix: String,
    id: String,
    scopes: Vec<String>,
    permissions: String,
    expires: Option<Moment>,
    expired: bool,
    allowed_ips: Vec<String>,
    last_used: Option<Moment>,
    last_used_ip: Option<String>,
    created: Option<Moment>,
    created_by: String,
    revoke_href: String,
    usage_href: String,
}

#[derive(Template)]
#[template(path = "tokens/table.html")]
struct TokensPage {
    layout: Layout,
    project: ProjectNav,
    tokens: Vec<TokenLine>,
    new_href: String,
    /// Whether the project has tokens at all (else the first-token invitation, not "no match").
    any: bool,
    q: String,
    hide_expired: bool,
    /// The current `sort` and `dir`, which the filter form keeps.
    sort: &'static str,
    dir: &'static str,
    action: String,
    clear_href: String,
    by_name: SortHeader,
    by_expiry: SortHeader,
    by_last_use: SortHeader,
    pager: Pager,
}

/// A sortable column's header: its link sorts by it (or flips the order when it already does).
struct SortHeader {
    label: &'static str,
    href: String,
    /// `ascending` / `descending` when the table is sorted by this column.
    aria_sort: Option<&'static str>,
    arrow: &'static str,
}

pub(super) fn permissions_label(list: &[&str]) -> String {
    list.iter()
        .map(|p| match *p {
            "read" => "Read",
            "write" => "Write",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn scope_label(s: &ScopeView) -> String {
    format!("{} · {}", s.environment, s.secret_path)
}

fn line(project_id: &str, t: ServiceTokenView, now: Millis) -> TokenLine {
    TokenLine {
        scopes: t.scopes.iter().map(scope_label).collect(),
        permissions: permissions_label(&t.permissions),
        id_prefix: format!("st.{}", t.id.get(..8).unwrap_or(&t.id)),
        id: t.id.clone(),
        expires: t.expires_at.as_deref().and_then(|e| moment_rfc3339(e, now)),
        expired: t.expired,
        allowed_ips: t.allowed_ips,
        last_used: t
            .last_used_at
            .as_deref()
            .and_then(|e| moment_rfc3339(e, now)),
        last_used_ip: t.last_used_ip,
        created: moment_rfc3339(&t.created_at, now),
        created_by: t.created_by,
        revoke_href: urls::token_revoke(project_id, &t.id),
        usage_href: urls::token_usage(project_id, &t.id),
        name: t.name,
    }
}

/// The Access Control tab, whose only section is Service Tokens.
pub(super) async fn access_control(_ui: UiSession, path: web::Path<String>) -> HttpResponse {
    redirect(&urls::tokens(&path))
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
    find: web::Query<FindQuery>,
    sorting: web::Query<SortQuery>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    let (find, order, hide_expired) = (find.find(), sorting.order(), sorting.hide_expired());
    let now = now_millis();
    let all = tokens::list(&state.store, &ui.0, &project.id).await?;
    let any = !all.is_empty();
    let mut matching: Vec<ServiceTokenView> = all
        .into_iter()
        .filter(|t| !(hide_expired && t.expired))
        .filter(|t| {
            let scopes: Vec<String> = t.scopes.iter().map(scope_label).collect();
            // The id too, so a leaked `st.748de6c1…` pasted in the filter finds its row.
            let token_start = format!("st.{}", t.id);
            let mut fields = vec![t.name.as_str(), t.created_by.as_str(), token_start.as_str()];
            fields.extend(scopes.iter().map(String::as_str));
            find.matches(&fields)
        })
        .collect();
    order.sort(&mut matching);
    let base = urls::tokens(&project.id);
    let hide = if hide_expired { "1" } else { "" };
    let href = |order: Order, page: usize| {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        let (sort, dir) = order.params();
        let params = [
            ("q", find.q.as_str()),
            ("hide_expired", hide),
            ("sort", sort),
            ("dir", dir),
            ("page", page.as_str()),
        ];
        urls::with_params(&base, &params)
    };
    let header = |column: Column| SortHeader {
        label: column.label(),
        href: href(order.by(column), 1),
        aria_sort: order.aria_sort(column),
        arrow: match order.aria_sort(column) {
            Some("ascending") => " ↑",
            Some(_) => " ↓",
            None => "",
        },
    };
    let (by_name, by_expiry, by_last_use) = (
        header(Column::Name),
        header(Column::Expires),
        header(Column::LastUsed),
    );
    let (shown, pager) = find.page(matching, |page| href(order, page));
    let page = TokensPage {
        layout: ui.layout_with(query.notice()),
        project: ProjectNav::new(&project, Section::Access),
        tokens: shown
            .into_iter()
            .map(|t| line(&project.id, t, now))
            .collect(),
        new_href: urls::token_new(&project.id),
        any,
        q: find.q.clone(),
        hide_expired,
        sort: order.params().0,
        dir: order.params().1,
        action: base.clone(),
        clear_href: base.clone(),
        by_name,
        by_expiry,
        by_last_use,
        pager,
    };
    render(StatusCode::OK, &page)
}
