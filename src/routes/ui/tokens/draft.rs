//! The create-token form as typed: every value kept when the form comes back (with a scope row
//! added or removed, or with errors), a message next to each refused field, and the form as the
//! same [`TokenRequest`] the native and Infisical APIs parse (`NewToken::parse`), so the three
//! cannot disagree.

use super::expiry::{today, DEFAULT_EXPIRATION, EXPIRATIONS};
use crate::domain::{EnvSlug, ScopeGlob};
use crate::error::FieldError;
use crate::routes::ui::form::FormData;
use crate::routes::ui::pages::{sentence, Layout, ProjectNav, Section};
use crate::routes::ui::urls;
use crate::service::scope_preview::ScopePreview;
use crate::service::token_request::{ScopeRequest, TokenRequest};
use crate::service::tokens::MAX_SCOPES;
use crate::service::views::ProjectView;
use crate::time::now_millis;
use askama::Template;

struct EnvOption {
    slug: String,
    name: String,
}

#[derive(Default)]
pub(super) struct ScopeRow {
    env: String,
    pub path: String,
    env_error: Option<String>,
    pub path_error: Option<String>,
    /// What the row reaches today ("Matches /app and everything below it · 3 secrets today").
    line: Option<String>,
}

impl ScopeRow {
    /// A new row: the project's first environment, the whole tree.
    fn first_env(project: &ProjectView) -> Self {
        ScopeRow {
            env: project
                .environments
                .first()
                .map(|e| e.slug.clone())
                .unwrap_or_default(),
            path: String::from("/"),
            ..ScopeRow::default()
        }
    }
}

/// The line under a scope row, also what the form's script puts there as the path is typed.
pub fn preview_line(preview: &ScopePreview) -> String {
    let count = match preview.secrets {
        Some(1) => String::from(" · 1 secret today"),
        Some(n) => format!(" · {n} secrets today"),
        None => String::new(),
    };
    format!("Matches {}{count}", preview.matches)
}

#[derive(Template)]
#[template(path = "tokens/form.html")]
pub(super) struct TokenFormPage {
    layout: Layout,
    project: ProjectNav,
    envs: Vec<EnvOption>,
    expirations: &'static [(&'static str, &'static str)],
    name: String,
    name_error: Option<String>,
    pub scopes: Vec<ScopeRow>,
    scopes_error: Option<String>,
    pub read: bool,
    pub write: bool,
    pub permissions_error: Option<String>,
    pub expiration: String,
    pub custom_date: String,
    min_date: String,
    preview_href: String,
    pub expiration_error: Option<String>,
    allowed_ips: String,
    allowed_ips_error: Option<String>,
    action: String,
    cancel: String,
    max_scopes: usize,
}

impl TokenFormPage {
    /// The empty form: one scope row, Read, expiring in a day.
    pub fn new(layout: Layout, project: &ProjectView) -> Self {
        Self {
            layout,
            project: ProjectNav::new(project, Section::Access),
            envs: project
                .environments
                .iter()
                .map(|e| EnvOption {
                    slug: e.slug.clone(),
                    name: e.name.clone(),
                })
                .collect(),
            expirations: &EXPIRATIONS,
            name: String::new(),
            name_error: None,
            scopes: vec![ScopeRow::first_env(project)],
            scopes_error: None,
            read: true,
            write: false,
            permissions_error: None,
            expiration: String::from(DEFAULT_EXPIRATION),
            custom_date: String::new(),
            min_date: today(now_millis()),
            preview_href: urls::token_scope_preview(&project.id),
            expiration_error: None,
            allowed_ips: String::new(),
            allowed_ips_error: None,
            action: urls::token_new(&project.id),
            cancel: urls::tokens(&project.id),
            max_scopes: MAX_SCOPES,
        }
    }

    /// The form as submitted, every value kept.
    pub fn from_form(layout: Layout, project: &ProjectView, form: &FormData) -> Self {
        let mut page = Self::new(layout, project);
        let (envs, paths) = (form.all("scope_env"), form.all("scope_path"));
        let rows = envs.len().max(paths.len()).min(MAX_SCOPES);
        if rows > 0 {
            page.scopes = (0..rows)
                .map(|i| ScopeRow {
                    env: envs.get(i).copied().unwrap_or("").to_owned(),
                    path: paths.get(i).copied().unwrap_or("").to_owned(),
                    ..ScopeRow::default()
                })
                .collect();
        }
        page.name = form.text("name").to_owned();
        page.read = form.has("perm_read");
        page.write = form.has("perm_write");
        page.expiration = form
            .get("expiration")
            .unwrap_or(DEFAULT_EXPIRATION)
            .to_owned();
        page.custom_date = form.text("custom_date").to_owned();
        page.allowed_ips = form.text("allowed_ips").to_owned();
        page
    }

    /// Adds a row for the project's first environment, up to the most a token may have.
    pub fn add_scope(&mut self, project: &ProjectView) {
        if self.scopes.len() < MAX_SCOPES {
            self.scopes.push(ScopeRow::first_env(project));
        }
    }

    /// Removes row `index` (as the form posted it), but never the last one.
    pub fn remove_scope(&mut self, index: &str) {
        if let Some(i) = index
            .parse::<usize>()
            .ok()
            .filter(|&i| i < self.scopes.len() && self.scopes.len() > 1)
        {
            self.scopes.remove(i);
        }
    }

    /// Puts a validator's message next to its field; a friendlier message set earlier wins.
    pub fn place(&mut self, error: FieldError) {
        let message = sentence(&error.message);
        let keep_first = |slot: &mut Option<String>| {
            slot.get_or_insert(message.clone());
        };
        if let Some(rest) = error.field.strip_prefix("scopes[") {
            let (index, field) = rest.split_once("].").unwrap_or(("", ""));
            if let Some(row) = index
                .parse::<usize>()
                .ok()
                .and_then(|i| self.scopes.get_mut(i))
            {
                match field {
                    "environment" => keep_first(&mut row.env_error),
                    _ => keep_first(&mut row.path_error),
                }
                return;
            }
        }
        match error.field.as_str() {
            "name" => keep_first(&mut self.name_error),
            "permissions" => keep_first(&mut self.permissions_error),
            "expiresIn" => keep_first(&mut self.expiration_error),
            "allowedIps" => keep_first(&mut self.allowed_ips_error),
            _ => keep_first(&mut self.scopes_error),
        }
    }

    /// The rows whose environment and path parse, by index, for [`Self::show_previews`].
    pub fn previewable(&self) -> (Vec<usize>, Vec<(EnvSlug, ScopeGlob)>) {
        self.scopes
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let env = EnvSlug::parse(&r.env).ok()?;
                let glob = ScopeGlob::parse(r.path.trim()).ok()?;
                Some((i, (env, glob)))
            })
            .unzip()
    }

    /// Puts each preview's line under its row (`rows` as [`Self::previewable`] gave them).
    pub fn show_previews(&mut self, rows: &[usize], previews: &[ScopePreview]) {
        for (i, preview) in rows.iter().zip(previews) {
            if let Some(row) = self.scopes.get_mut(*i) {
                row.line = Some(preview_line(preview));
            }
        }
    }

    fn is_expiration(&self, value: &str) -> bool {
        self.expiration == value
    }

    pub fn has_errors(&self) -> bool {
        self.name_error.is_some()
            || self.scopes_error.is_some()
            || self.permissions_error.is_some()
            || self.expiration_error.is_some()
            || self.allowed_ips_error.is_some()
            || self
                .scopes
                .iter()
                .any(|r| r.env_error.is_some() || r.path_error.is_some())
    }

    /// The form as the request every face of the API parses, expiring as `expires` says.
    pub fn request(&self, expires: serde_json::Value) -> TokenRequest {
        let mut permissions = Vec::new();
        if self.read {
            permissions.push(String::from("read"));
        }
        if self.write {
            permissions.push(String::from("write"));
        }
        TokenRequest {
            name: Some(self.name.clone()),
            scopes: Some(
                self.scopes
                    .iter()
                    .map(|r| ScopeRequest {
                        environment: Some(r.env.clone()),
                        secret_path: Some(r.path.clone()),
                    })
                    .collect(),
            ),
            permissions: Some(permissions),
            expires_in: Some(expires),
            allowed_ips: Some(
                self.allowed_ips
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        }
    }
}
