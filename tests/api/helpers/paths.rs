//! The native API's routes, spelled once. A place is an environment slug and a folder path,
//! sent as they are (tests use plain paths such as `/app/db`).

pub const PROJECTS: &str = "/api/v1/projects";
pub const LOGIN: &str = "/api/v1/auth/login";
pub const LOGOUT: &str = "/api/v1/auth/logout";
pub const SETUP: &str = "/api/v1/setup";
pub const ME: &str = "/api/v1/auth/me";
pub const PASSWORD: &str = "/api/v1/auth/password";
pub const SESSIONS: &str = "/api/v1/auth/sessions";
pub const TOTP: &str = "/api/v1/auth/mfa/totp";
pub const TOTP_CONFIRM: &str = "/api/v1/auth/mfa/totp/confirm";
pub const TOTP_DISABLE: &str = "/api/v1/auth/mfa/totp/disable";
pub const RECOVERY_CODES: &str = "/api/v1/auth/mfa/recovery-codes";
pub const PASSWORD_RESET: &str = "/api/v1/auth/password-reset";

pub fn session(id: &str) -> String {
    format!("{SESSIONS}/{id}")
}

/// Where an owner or admin makes a reset link for a user.
pub fn user_password_reset(user: &str) -> String {
    format!("/api/v1/users/{user}/password-reset")
}

pub fn user_sessions(user: &str) -> String {
    format!("/api/v1/users/{user}/sessions")
}

/// A service token's own details.
pub const WHOAMI: &str = "/api/v1/auth/token";

pub fn project(id: &str) -> String {
    format!("{PROJECTS}/{id}")
}

pub fn environments(project: &str) -> String {
    format!("{PROJECTS}/{project}/environments")
}

pub fn environment(project: &str, slug: &str) -> String {
    format!("{}/{slug}", environments(project))
}

pub fn secrets(project: &str) -> String {
    format!("{PROJECTS}/{project}/secrets")
}

/// The secrets of one folder.
pub fn secrets_in(project: &str, env: &str, path: &str) -> String {
    format!("{}?environment={env}&path={path}", secrets(project))
}

pub fn secret(project: &str, env: &str, path: &str, key: &str) -> String {
    format!("{}/{key}?environment={env}&path={path}", secrets(project))
}

/// Many secrets of one folder in one request.
pub fn secret_batches(project: &str) -> String {
    format!("{PROJECTS}/{project}/secret-batches")
}

pub fn folders(project: &str) -> String {
    format!("{PROJECTS}/{project}/folders")
}

/// The folders below one folder, or that folder itself for a delete.
pub fn folders_in(project: &str, env: &str, path: &str) -> String {
    format!("{}?environment={env}&path={path}", folders(project))
}

pub fn tokens(project: &str) -> String {
    format!("{PROJECTS}/{project}/service-tokens")
}

pub fn token(project: &str, id: &str) -> String {
    format!("{}/{id}", tokens(project))
}

/// `path` with `recursive=true` added to its query.
pub fn recursive(path: &str) -> String {
    format!("{path}&recursive=true")
}
