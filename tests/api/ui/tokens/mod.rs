//! Access Control > Service Tokens: the create form, the one-time page, validation, revoking.

mod form;
mod one_time_page;
mod revoke;
