//! No lost work: a form POSTed after its session ended is not thrown away. The answer is the
//! login page, carrying the submitted fields in hidden inputs (`kept.<name>`, and `kept_action`,
//! the address the form went to). The browser holds them; the server stores nothing. They ride
//! through the login and its MFA step, and once logged in the user gets a page that shows what
//! was typed and submits it again, to the same address with the new session's CSRF token, on
//! one click (`templates/auth/resume.html`).
//!
//! Why one click rather than replaying the POST by itself: the server cannot tell who composed
//! fields that arrived without a session. Were it to replay them after a login, any page that
//! got a browser to POST to one of our form addresses (no cookie goes with a cross-site POST)
//! and then to log in would have its change made with the victim's new session: a CSRF bypass.
//! So fields are kept only from a POST that says it came from this site (`Origin`, and
//! `Sec-Fetch-Site` when sent), and even then it is the person, seeing the fields, who submits.
//!
//! Never kept: the old CSRF token, the pre-session token, password fields and one-time codes
//! (stale by then, and not worth a trip through another page). Secret values are kept (that is
//! the work not to lose) but shown masked. Every value goes into the page HTML-escaped by
//! askama, only ever into `value="…"` attributes and text, never into a URL.

use super::auth::preauth;
use super::error::UiError;
use super::form::FormData;
use super::next::same_site_next;
use crate::routes::callers::{same_site, NullOrigin};
use crate::routes::extract::FORM_LIMIT;
use crate::state::AppState;
use actix_web::cookie::Cookie;
use actix_web::{web, HttpRequest};

/// The hidden field naming where the kept form goes.
pub const ACTION_FIELD: &str = "kept_action";
/// The prefix of each kept field's name in the login forms.
pub const FIELD_PREFIX: &str = "kept.";

/// Room left in the login form's body for its own fields beside the kept ones, so a kept form
/// never makes the login POST too large for the server to read.
const LOGIN_FIELDS_ROOM: usize = 8 * 1024;

/// Fields never carried through the login (see the module comment).
const NEVER_KEPT: &[&str] = &[
    "csrf_token",
    "preauth",
    "password",
    "confirm",
    "current_password",
    "new_password",
    "step",
    "code",
    "next",
    ACTION_FIELD,
];

/// One submitted field, and whether the pages show its value masked.
#[derive(Debug, Clone)]
pub struct KeptField {
    pub name: String,
    pub value: String,
    pub masked: bool,
}

impl KeptField {
    fn new(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
            masked: is_secret(name),
        }
    }

    /// The field's name in the login forms.
    pub fn carried_name(&self) -> String {
        format!("{FIELD_PREFIX}{}", self.name)
    }

    /// How a masked value is shown: its size only.
    pub fn masked_text(&self) -> String {
        format!("hidden ({} characters)", self.value.chars().count())
    }
}

/// A secret value, or anything named like a secret or a token, is not shown on screen.
fn is_secret(name: &str) -> bool {
    matches!(name, "value" | "dotenv") || name.contains("secret") || name.contains("token")
}

fn never_kept(name: &str) -> bool {
    NEVER_KEPT.contains(&name) || name.starts_with(FIELD_PREFIX)
}

/// A form on its way through the login: where it goes and what was typed.
#[derive(Debug, Clone)]
pub struct Kept {
    pub action: String,
    pub fields: Vec<KeptField>,
}

impl Kept {
    /// The form of a POST whose session had ended, if it may be kept: from this site, to an
    /// address on it, with something typed, small enough to ride along.
    fn of_post(req: &HttpRequest, form: &FormData) -> Option<Kept> {
        if !from_this_site(req) {
            return None;
        }
        let action = match req.uri().query() {
            Some(query) => format!("{}?{query}", req.path()),
            None => req.path().to_owned(),
        };
        let fields = form
            .pairs()
            .iter()
            .filter(|(name, _)| !never_kept(name))
            .map(|(name, value)| KeptField::new(name, value))
            .collect();
        Kept::checked(action, fields)
    }

    /// The kept form the login page's hidden fields carry, if any.
    pub fn of_login_form(form: &FormData) -> Option<Kept> {
        let action = form.get(ACTION_FIELD)?.to_owned();
        let fields = form
            .pairs()
            .iter()
            .filter_map(|(name, value)| {
                let name = name.strip_prefix(FIELD_PREFIX)?;
                (!never_kept(name)).then(|| KeptField::new(name, value))
            })
            .collect();
        Kept::checked(action, fields)
    }

    fn checked(action: String, fields: Vec<KeptField>) -> Option<Kept> {
        let size: usize = fields
            .iter()
            .map(|f| f.name.len() + f.value.len() + FIELD_PREFIX.len())
            .sum();
        // Percent-encoding can triple a value in the body: that is what has to fit.
        let fits = 3 * size + action.len() + LOGIN_FIELDS_ROOM <= FORM_LIMIT;
        let local = same_site_next(Some(&action)) == action;
        (fits && local && action != "/logout" && !fields.is_empty())
            .then_some(Kept { action, fields })
    }
}

/// Did the POST say it came from a page of this site? Browsers that send `Sec-Fetch-Site` say
/// so there (`same-origin`), and post forms with `Origin: null` under our `no-referrer` policy,
/// so then a null `Origin` is fine and only a foreign one refuses. Without `Sec-Fetch-Site`, the
/// `Origin` decides: missing (an older browser, a script) is taken as this site, as the CSRF
/// check does; `null` is not.
fn from_this_site(req: &HttpRequest) -> bool {
    let fetch_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    match fetch_site {
        Some(site) => site == "same-origin" && same_site(req, NullOrigin::Allowed),
        None => same_site(req, NullOrigin::Refused),
    }
}

/// The login page's pre-session token for a kept form, and the cookie that goes with it.
#[derive(Debug)]
pub struct LoginAgain {
    pub kept: Kept,
    pub preauth: String,
    pub cookie: Option<Cookie<'static>>,
}

/// What a form POST whose session has ended gets: the login page with the form kept, or, when
/// it cannot be kept, the page saying the session ended.
pub fn session_ended(req: &HttpRequest, form: Option<FormData>) -> UiError {
    let state = req.app_data::<web::Data<AppState>>();
    match (form.and_then(|f| Kept::of_post(req, &f)), state) {
        (Some(kept), Some(state)) => {
            let (preauth, cookie) = preauth::token(req, state);
            UiError::LogInAgain(Box::new(LoginAgain {
                kept,
                preauth,
                cookie,
            }))
        }
        _ => UiError::SessionEnded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(pairs: &[(&str, &str)], action: &str) -> Option<Kept> {
        let mut fields: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| (format!("{FIELD_PREFIX}{n}"), v.to_string()))
            .collect();
        fields.push((ACTION_FIELD.to_owned(), action.to_owned()));
        Kept::of_login_form(&FormData::from_pairs(fields))
    }

    #[test]
    fn tokens_passwords_and_codes_are_never_carried() {
        let form = kept(
            &[
                ("csrf_token", "x"),
                ("password", "p"),
                ("new_password", "p"),
                ("code", "123456"),
                ("key", "API_KEY"),
                ("value", "s3cret"),
            ],
            "/projects/p/secrets/dev/add",
        )
        .unwrap();
        let names: Vec<_> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["key", "value"]);
        assert!(form.fields[1].masked && !form.fields[0].masked);
    }

    #[test]
    fn only_a_form_for_this_site_with_something_typed_is_carried() {
        assert!(kept(&[("key", "A")], "//evil.example/x").is_none());
        assert!(kept(&[("key", "A")], "https://evil.example/x").is_none());
        assert!(kept(&[("key", "A")], "/logout").is_none());
        assert!(kept(&[("csrf_token", "x")], "/projects").is_none());
        let huge = "x".repeat(FORM_LIMIT / 3);
        assert!(kept(&[("value", &huge)], "/projects").is_none());
    }
}
