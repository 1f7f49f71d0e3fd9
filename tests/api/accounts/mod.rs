//! Accounts: the first admin (setup code or environment), API login and logout, sessions, and
//! the login throttle.

mod enforcement;
pub(crate) mod enrolment;
mod failed_login_audit;
mod login;
mod mfa;
mod parallel_guesses;
mod password_change;
mod resets;
mod session_idle;
mod session_list;
mod sessions;
mod setup;
mod throttling;
mod two_step_login;
mod users_command;
