//! What a caller may do. Admins may do everything; a service token may touch only its own
//! project, only environment/path pairs inside one of its scopes, and only with the permission
//! the operation needs.

use super::session::AdminSession;
use crate::domain::{ClientAddr, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::TokenRecord;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Caller {
    Admin(AdminSession),
    Token {
        record: Arc<TokenRecord>,
        ip: ClientAddr,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Write => "write",
        }
    }
}

/// How much of a folder's subtree a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// The folder itself is in scope.
    Full,
    /// The folder is out of scope but some descendants may be in scope.
    Partial,
}

impl Caller {
    pub fn ip(&self) -> &ClientAddr {
        match self {
            Caller::Admin(session) => &session.ip,
            Caller::Token { ip, .. } => ip,
        }
    }

    pub fn actor_kind(&self) -> &'static str {
        match self {
            Caller::Admin(_) => "user",
            Caller::Token { .. } => "service_token",
        }
    }

    pub fn actor_id(&self) -> &str {
        match self {
            Caller::Admin(session) => &session.user_id,
            Caller::Token { record, .. } => &record.id,
        }
    }

    pub fn token(&self) -> Option<&Arc<TokenRecord>> {
        match self {
            Caller::Token { record, .. } => Some(record),
            Caller::Admin(_) => None,
        }
    }

    /// A token never reaches another project.
    pub fn check_project(&self, project_id: &str) -> AppResult<()> {
        match self {
            Caller::Token { record, .. } if record.project_id != project_id => {
                Err(AppError::Forbidden(format!(
                    "Service token not a part of the specified project with ID {project_id}"
                )))
            }
            _ => Ok(()),
        }
    }

    /// Is `path` in `environment` inside one of the token's scopes (always true for admins)?
    pub fn in_scope(&self, environment: &str, path: &SecretPath) -> bool {
        match self {
            Caller::Admin(_) => true,
            Caller::Token { record, .. } => record
                .scopes
                .iter()
                .any(|s| s.environment == environment && s.glob.matches(path)),
        }
    }

    /// Does the caller hold the permission for `op` (anywhere in its scopes)?
    pub fn has_permission(&self, op: Op) -> bool {
        match self {
            Caller::Admin(_) => true,
            Caller::Token { record, .. } => match op {
                Op::Read => record.permissions.read,
                Op::Write => record.permissions.write,
            },
        }
    }

    /// Requires the permission for `op` and a scope covering `path` in `environment`.
    pub fn require(&self, op: Op, environment: &str, path: &SecretPath) -> AppResult<()> {
        if !self.has_permission(op) {
            return Err(AppError::PermissionDenied(format!(
                "You are not allowed to {} on secrets: this service token lacks the '{}' permission",
                op.verb(),
                op.verb()
            )));
        }
        if !self.in_scope(environment, path) {
            return Err(AppError::PermissionDenied(format!(
                "You are not allowed to {} on secrets in environment '{environment}' at path '{path}': it is outside this service token's scopes",
                op.verb()
            )));
        }
        Ok(())
    }

    /// Is `path` in scope, or does a scope reach somewhere below it (so a listing of `path`
    /// leads to something this caller may see)? Permissions are not checked here.
    pub fn may_reach(&self, environment: &str, path: &SecretPath) -> bool {
        self.in_scope(environment, path)
            || self.token().is_some_and(|record| {
                record
                    .scopes
                    .iter()
                    .any(|s| s.environment == environment && s.glob.may_match_below(path))
            })
    }

    /// For listings: the whole folder, only in-scope descendants, or a 403.
    pub fn visibility(
        &self,
        op: Op,
        environment: &str,
        path: &SecretPath,
    ) -> AppResult<Visibility> {
        match self.require(op, environment, path) {
            Ok(()) => Ok(Visibility::Full),
            Err(denied) => match self {
                Caller::Token { .. }
                    if self.has_permission(op) && self.may_reach(environment, path) =>
                {
                    Ok(Visibility::Partial)
                }
                _ => Err(denied),
            },
        }
    }
}
