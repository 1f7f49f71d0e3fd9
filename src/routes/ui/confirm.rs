//! The confirmation step before anything destructive: a page that says what will happen, with
//! one POST button, and optionally a field where the user types a name to confirm.

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

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub project: ProjectNav,
    pub question: Question,
    /// Fields the form posts along (name, value).
    pub hidden: Vec<(String, String)>,
    pub typed: Option<Typed>,
}

impl ConfirmPage {
    /// The page with just the button: no hidden fields, nothing to type.
    pub fn new(layout: Layout, project: ProjectNav, question: Question) -> Self {
        ConfirmPage {
            layout,
            project,
            question,
            hidden: Vec::new(),
            typed: None,
        }
    }
}
