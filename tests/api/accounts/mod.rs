//! Accounts: the first admin (setup code or environment), API login and logout, sessions, and
//! the login throttle.

mod failed_login_audit;
mod login;
mod parallel_guesses;
mod sessions;
mod setup;
mod throttling;
