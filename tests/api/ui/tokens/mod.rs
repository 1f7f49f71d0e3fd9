//! Access Control > Service Tokens: the create form, the one-time page, validation, revoking.

mod expiry_date;
mod form;
mod granted;
mod one_time_page;
mod revoke;
mod scope_preview;
