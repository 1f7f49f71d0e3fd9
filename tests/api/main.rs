//! Black-box tests: each test starts the real server on port 0 with its own temp data dir and
//! talks HTTP to it. One test binary, modules by area.

mod accounts;
mod audit;
mod cache;
pub(crate) mod client;
mod folder_names;
mod hardening;
mod helpers;
mod history;
mod identities;
mod infisical;
mod parity;
mod projects;
mod recovery;
mod request_log;
mod secrets;
mod service_tokens;
mod startup;
mod sweep;
pub mod teams;
mod token_scopes;
mod trusted_proxy;
mod ui;
mod write_only;
