//! The page that shows a freshly minted token exactly once: the reveal entry is consumed by this
//! view and only the browser session that created it can see it. Beside the token it recaps what
//! was granted and gives ready-to-copy ways to use it, filled with the server's public address.

use super::expiry::{moment_rfc3339, Moment};
use super::snippets::{snippets, Snippets};
use super::table::permissions_label;
use crate::domain::ScopeGlob;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::urls;
use crate::service::projects;
use crate::service::views::ServiceTokenView;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

struct GrantedScope {
    environment: String,
    path: String,
    matches: String,
}

/// What the token may do, as granted.
struct Recap {
    scopes: Vec<GrantedScope>,
    permissions: String,
    expires: Option<Moment>,
    allowed_ips: Vec<String>,
}

impl Recap {
    fn of(view: &ServiceTokenView) -> Self {
        Recap {
            scopes: view
                .scopes
                .iter()
                .map(|s| GrantedScope {
                    environment: s.environment.clone(),
                    path: s.secret_path.clone(),
                    matches: ScopeGlob::parse(&s.secret_path)
                        .map(|g| g.describe())
                        .unwrap_or_default(),
                })
                .collect(),
            permissions: permissions_label(&view.permissions),
            expires: view
                .expires_at
                .as_deref()
                .and_then(|e| moment_rfc3339(e, now_millis())),
            allowed_ips: view.allowed_ips.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "tokens/created.html")]
struct CreatedPage {
    layout: Layout,
    project: ProjectNav,
    token_name: String,
    token: String,
    access_part: String,
    key_part: String,
    recap: Option<Recap>,
    snippets: Snippets,
    /// Set when `ENVKEEP_PUBLIC_URL` is not: the snippets use the address this page came from.
    guessed_url: bool,
    back: String,
}

#[derive(Template)]
#[template(path = "tokens/gone.html")]
struct GonePage {
    layout: Layout,
    project: ProjectNav,
    back: String,
}

/// `ENVKEEP_PUBLIC_URL`, else the address the browser asked for this page at (and `true`): its
/// own `Host` header, not a forwarded one, which only this admin sees and the page says to check.
fn server_url(state: &AppState, req: &HttpRequest) -> (String, bool) {
    if let Some(url) = &state.settings.public_url {
        return (url.trim_end_matches('/').to_owned(), false);
    }
    let host = req
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1:8080");
    (format!("{}://{host}", req.connection_info().scheme()), true)
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    req: HttpRequest,
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
    let (url, guessed_url) = server_url(&state, &req);
    let scopes = revealed
        .grant
        .as_ref()
        .map(|g| g.scopes.as_slice())
        .unwrap_or(&[]);
    let page = CreatedPage {
        layout: ui.layout(),
        project: nav,
        token_name: revealed.token_name.clone(),
        token: token.to_owned(),
        access_part: token[..cut].to_owned(),
        key_part: token.get(cut + 1..).unwrap_or("").to_owned(),
        recap: revealed.grant.as_ref().map(Recap::of),
        snippets: snippets(&url, token, &project.id, scopes),
        guessed_url,
        back,
    };
    render(StatusCode::OK, &page)
}
