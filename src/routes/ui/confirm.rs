//! The confirmation step before anything destructive: a page that says what will happen (with
//! the counts of what goes), with one POST button, optionally a field where the user types a
//! name to confirm, and, when something blocks the action, what blocks it instead of the button.
//! Every destructive page of the UI is this one page, so they all ask and refuse the same way.

use super::form::FormData;
use super::pages::{Layout, ProjectNav};
use askama::Template;

/// What a confirmation page asks.
pub struct Question {
    pub title: String,
    /// What will happen, in full.
    pub message: String,
    pub button: &'static str,
    /// Where the button posts.
    pub action: String,
    /// Where Cancel goes.
    pub cancel: String,
}

/// "Type the name to confirm": the expected text, what was typed, and the error if it differed.
pub struct Typed {
    pub label: String,
    pub expected: String,
    pub value: String,
    pub error: Option<String>,
}

impl Typed {
    /// An empty field asking for `name`.
    pub fn asking(name: &str) -> Typed {
        Typed {
            label: format!("Type {name} to confirm"),
            expected: name.to_owned(),
            value: String::new(),
            error: None,
        }
    }

    /// Whether the posted `confirm_name` is `name` (surrounding spaces aside); if not, the field
    /// again as typed, with the error.
    pub fn check(name: &str, form: &FormData) -> Result<(), Typed> {
        let typed = form.text("confirm_name");
        if typed.trim() == name {
            return Ok(());
        }
        Err(Typed {
            value: typed.to_owned(),
            error: Some(String::from(
                "The name does not match; nothing was deleted.",
            )),
            ..Typed::asking(name)
        })
    }
}

/// A link beside a blocker ("Usage", "Revoke…").
pub struct Link {
    pub label: String,
    pub href: String,
}

/// One thing that blocks the action: a name, a short identifier and where to deal with it.
pub struct Blocker {
    pub name: String,
    pub code: String,
    pub links: Vec<Link>,
}

/// Why the action cannot be done now; the page shows this instead of the button.
pub struct Blocked {
    pub message: String,
    pub items: Vec<Blocker>,
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub project: ProjectNav,
    pub question: Question,
    /// What goes with it, one line each ("12 secrets, which go to the trash").
    pub facts: Vec<String>,
    /// Fields the form posts along (name, value).
    pub hidden: Vec<(String, String)>,
    pub typed: Option<Typed>,
    pub blocked: Option<Blocked>,
    /// A refusal from the server after the button was pressed (a 409), shown above the form.
    pub error: Option<String>,
}

impl ConfirmPage {
    /// The page with just the button: no hidden fields, nothing to type.
    pub fn new(layout: Layout, project: ProjectNav, question: Question) -> Self {
        ConfirmPage {
            layout,
            project,
            question,
            facts: Vec::new(),
            hidden: Vec::new(),
            typed: None,
            blocked: None,
            error: None,
        }
    }
}

/// "1 secret", "3 secrets".
pub fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_say_one_thing_or_many() {
        assert_eq!(count(0, "secret", "secrets"), "0 secrets");
        assert_eq!(count(1, "secret", "secrets"), "1 secret");
        assert_eq!(count(12, "folder", "folders"), "12 folders");
    }
}
