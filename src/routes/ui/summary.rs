//! The error summary at the top of a form refused for its input: one line per problem, each a
//! link to the field's id, so the first thing a keyboard or screen-reader user meets is the list
//! of what to fix. `templates/summary.html` shows it with `autofocus` (focus goes there with or
//! without JavaScript); a page lets it in with `{% let summary = self.summary() %}` and
//! `{% include "summary.html" %}`.

/// One problem: the message, and the id of the field it is about (if any: some refusals are
/// about the form as a whole).
#[derive(Debug, Clone)]
pub struct Problem {
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct ErrorSummary {
    pub problems: Vec<Problem>,
}

impl ErrorSummary {
    /// The problems of fields, in the order given (the order of the form), skipping fields with
    /// no message.
    pub fn of(fields: &[(&str, Option<&String>)]) -> Self {
        let problems = fields
            .iter()
            .filter_map(|(field, message)| {
                message.map(|m| Problem {
                    field: Some((*field).to_owned()),
                    message: m.clone(),
                })
            })
            .collect();
        Self { problems }
    }

    /// One problem with the form as a whole, if there is a message.
    pub fn whole_form(message: Option<&String>) -> Self {
        let problems = message
            .map(|m| Problem {
                field: None,
                message: m.clone(),
            })
            .into_iter()
            .collect();
        Self { problems }
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}
