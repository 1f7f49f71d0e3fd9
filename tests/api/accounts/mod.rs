//! Accounts: the first admin (setup code or environment), API login and logout, sessions, and
//! the login throttle.

mod login;
mod sessions;
mod setup;
mod throttling;
