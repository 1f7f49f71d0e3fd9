//! What a caller may do. Admins may do everything; a service token may touch only its own
//! project, only environment/path pairs inside one of its scopes, and only with the permission
//! the operation needs.

use super::session::AdminSession;
use crate::domain::{ClientAddr, SecretPath};
use crate::error::{AppError, AppResult};
use crate::store::{IdentityTokenRecord, TokenRecord};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Caller {
    Admin(AdminSession),
    Token {
        record: Arc<TokenRecord>,
        ip: ClientAddr,
    },
    /// A machine identity's access token: its project memberships (role and environments)
    /// decide, as a person's membership does.
    Identity {
        record: Arc<IdentityTokenRecord>,
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
            Caller::Token { ip, .. } | Caller::Identity { ip, .. } => ip,
        }
    }

    pub fn actor_kind(&self) -> &'static str {
        match self {
            Caller::Admin(_) => "user",
            Caller::Token { .. } => "service_token",
            Caller::Identity { .. } => "identity",
        }
    }

    pub fn actor_id(&self) -> &str {
        match self {
            Caller::Admin(session) => &session.user_id,
            Caller::Token { record, .. } => &record.id,
            Caller::Identity { record, .. } => &record.identity_id,
        }
    }

    pub fn token(&self) -> Option<&Arc<TokenRecord>> {
        match self {
            Caller::Token { record, .. } => Some(record),
            Caller::Admin(_) | Caller::Identity { .. } => None,
        }
    }

    pub fn identity(&self) -> Option<&Arc<IdentityTokenRecord>> {
        match self {
            Caller::Identity { record, .. } => Some(record),
            _ => None,
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
            Caller::Identity { record, .. } if record.membership(project_id).is_none() => {
                Err(AppError::Forbidden(format!(
                    "Identity is not a member of the specified project with ID '{project_id}'"
                )))
            }
            _ => Ok(()),
        }
    }

    /// The caller as it acts in `project_id`: an identity keeps only its membership there (none
    /// if it is not a member), so its role and environments are that project's. The request
    /// extractors narrow every identity to the project the request names.
    pub fn for_project(self, project_id: &str) -> Caller {
        match self {
            Caller::Identity { record, ip } => Caller::Identity {
                record: Arc::new(record.narrowed(project_id)),
                ip,
            },
            other => other,
        }
    }

    /// The membership an identity acts under: its only one once narrowed to a project; an
    /// identity not narrowed to exactly one grants nothing (fail closed).
    fn membership(record: &IdentityTokenRecord) -> Option<&crate::store::IdentityMembership> {
        match record.memberships.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// Is `path` in `environment` inside one of the token's scopes (always true for admins; for
    /// an identity, is `environment` in its membership's list)?
    pub fn in_scope(&self, environment: &str, path: &SecretPath) -> bool {
        match self {
            Caller::Admin(_) => true,
            Caller::Identity { record, .. } => Self::membership(record).is_some_and(|m| {
                m.environments
                    .as_ref()
                    .is_none_or(|envs| envs.iter().any(|e| e == environment))
            }),
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
            Caller::Identity { record, .. } => Self::membership(record).is_some_and(|m| match op {
                Op::Read => true,
                Op::Write => m.role.may_write(),
            }),
        }
    }

    /// Requires the permission for `op` and a scope covering `path` in `environment`.
    pub fn require(&self, op: Op, environment: &str, path: &SecretPath) -> AppResult<()> {
        if let Caller::Identity { .. } = self {
            if !self.has_permission(op) || !self.in_scope(environment, path) {
                return Err(AppError::PermissionDenied(format!(
                    "You are not allowed to {} on secrets in environment '{environment}': this identity's role or environments in the project do not allow it",
                    op.verb()
                )));
            }
            return Ok(());
        }
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
