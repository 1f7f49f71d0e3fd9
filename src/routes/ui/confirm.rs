//! The confirmation step before anything destructive: a page that says what will happen, with
//! one POST button, and optionally a field where the user types a name to confirm.

use super::pages::{Layout, ProjectNav};
use askama::Template;

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
    pub title: String,
    pub message: String,
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub button: &'static str,
    pub cancel: String,
    pub typed: Option<Typed>,
}
