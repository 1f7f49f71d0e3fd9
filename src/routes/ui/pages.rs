//! Shared page plumbing: rendering a template into a response, the layout data every page
//! carries (who is logged in, a notice, the project header) and error pages in the layout.

use super::error::UiResult;
use super::notice::Notice;
use super::urls;
use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::error::AppError;
use crate::service::views::ProjectView;
use actix_web::cookie::Cookie;
use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use askama::Template;

/// The logged-in user in the top bar, with the CSRF token its forms carry and their session,
/// which the pages ask (through the policy) which links and buttons to show.
#[derive(Debug, Clone)]
pub struct UserBar {
    pub email: String,
    pub csrf: String,
    pub session: AdminSession,
}

/// What the base layout needs: who is logged in (if anyone) and a one-line notice.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub user: Option<UserBar>,
    pub notice: Option<Notice>,
}

/// What pages show only to those who may use it (the server refuses the others anyway).
impl Layout {
    fn may(&self, project: Option<&str>, action: Action) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.session.decide(project, action).is_ok())
    }

    pub fn may_manage_users(&self) -> bool {
        self.may(None, Action::ManageUsers)
    }

    pub fn may_configure(&self, project: &str) -> bool {
        self.may(Some(project), Action::ConfigureProject)
    }

    pub fn may_manage_members(&self, project: &str) -> bool {
        self.may(Some(project), Action::ManageMembers)
    }

    pub fn may_manage_tokens(&self, project: &str) -> bool {
        self.may(Some(project), Action::ManageTokens { environments: &[] })
    }

    /// Machine identities, their Universal Auth settings and client secrets (owners, admins).
    pub fn may_manage_identities(&self) -> bool {
        self.may(None, Action::ManageIdentities)
    }

    /// The Access Control tab: service tokens or members.
    pub fn may_see_access(&self, project: &str) -> bool {
        self.may_manage_tokens(project) || self.may_manage_members(project)
    }
}

/// The tabs of a project's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Secrets,
    Access,
    Members,
    Identities,
    Settings,
    Activity,
}

/// The project header and its navigation, with the tab of `section` marked current.
#[derive(Debug, Clone)]
pub struct ProjectNav {
    pub id: String,
    pub name: String,
    pub section: Section,
}

impl ProjectNav {
    pub fn new(project: &ProjectView, section: Section) -> Self {
        Self {
            id: project.id.clone(),
            name: project.name.clone(),
            section,
        }
    }

    pub fn secrets_href(&self) -> String {
        urls::secrets_first_env(&self.id)
    }

    pub fn tokens_href(&self) -> String {
        urls::tokens(&self.id)
    }

    pub fn members_href(&self) -> String {
        urls::members(&self.id)
    }

    pub fn settings_href(&self) -> String {
        urls::settings(&self.id)
    }

    pub fn in_secrets(&self) -> bool {
        self.section == Section::Secrets
    }

    pub fn in_access(&self) -> bool {
        matches!(
            self.section,
            Section::Access | Section::Members | Section::Identities
        )
    }

    pub fn in_tokens(&self) -> bool {
        self.section == Section::Access
    }

    pub fn identities_href(&self) -> String {
        super::links::project_identities(&self.id)
    }

    pub fn in_identities(&self) -> bool {
        self.section == Section::Identities
    }

    pub fn in_members(&self) -> bool {
        self.section == Section::Members
    }

    pub fn in_settings(&self) -> bool {
        self.section == Section::Settings
    }

    pub fn activity_href(&self) -> String {
        urls::activity(&self.id)
    }

    pub fn in_activity(&self) -> bool {
        self.section == Section::Activity
    }
}

/// Renders a page with a status. Pages are never cached: many show secret values or tokens.
/// A rendering failure becomes a plain 500, never a panic.
pub fn render<T: Template>(status: StatusCode, page: &T) -> UiResult<HttpResponse> {
    let body = page
        .render()
        .map_err(|e| AppError::internal(format!("template rendering failed: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Sets `cookie` on a response; a cookie that cannot be serialised is a 500.
pub fn add_cookie(response: &mut HttpResponse, cookie: &Cookie<'_>) -> UiResult<()> {
    Ok(response.add_cookie(cookie).map_err(AppError::internal)?)
}

/// 303 See Other: the answer to every successful form POST (POST-redirect-GET). Targets are
/// built by `urls`, which percent-encodes what came from the request; one that still cannot be
/// a header value (a line break from the request path) names no page: 404, never a 500.
pub fn redirect(to: &str) -> HttpResponse {
    match header::HeaderValue::from_str(to) {
        Ok(location) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish(),
        Err(_) => error_page(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is nothing at this address.",
            Offer::Nothing,
        ),
    }
}

/// What an error page offers besides the way back to the projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Nothing,
    LogIn,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
    status: u16,
    login_link: bool,
}

pub fn error_page(status: StatusCode, title: &str, message: &str, offer: Offer) -> HttpResponse {
    let page = ErrorPage {
        layout: Layout::default(),
        title,
        message,
        status: status.as_u16(),
        login_link: offer == Offer::LogIn,
    };
    match render(status, &page) {
        Ok(response) => response,
        Err(_) => HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(message.to_owned()),
    }
}

/// Turns a sentence fragment from a validator ("must not be empty") into a sentence.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_to_a_target_with_a_line_break_is_a_404_not_a_500() {
        assert_eq!(redirect("/projects/a\r\nb").status(), StatusCode::NOT_FOUND);
        let fine = redirect("/projects/a%0D%0Ab");
        assert_eq!(fine.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            fine.headers().get(header::LOCATION).unwrap(),
            "/projects/a%0D%0Ab"
        );
    }
}
