//! `envkeep run`: what reaches the command, exit codes, signals, failing before the start.

mod early_failures;
mod environment;
mod exit_codes;
mod fallback;
mod safe_env;
mod watch;
