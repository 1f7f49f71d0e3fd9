//! Who is calling, as handlers and use cases see them: a person's session, a service token or a
//! machine identity's access token.
//! Whether they may do something is decided by `policy` (DESIGN §9), through [`Caller::decide`];
//! this file adds what listings need on top (which part of a subtree a token may see).

use super::policy::{self, Action, Principal};
use super::session::AdminSession;
use crate::domain::{ClientAddr, SecretPath};
use crate::error::AppResult;
use crate::store::{IdentityMembership, IdentityTokenRecord, TokenRecord};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Caller {
    Admin(AdminSession),
    Token {
        record: Arc<TokenRecord>,
        ip: ClientAddr,
    },
    /// A machine identity's access token: its project memberships (role and environments)
    /// decide, through the same policy as people's.
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

    /// The caller as it acts in `project_id`: an identity keeps only its membership there (none
    /// if it is not a member). The request extractors narrow every identity to the project the
    /// request names, so checks that name no project (`in_scope`) see that project's grant.
    pub fn for_project(self, project_id: &str) -> Caller {
        match self {
            Caller::Identity { record, ip } => Caller::Identity {
                record: Arc::new(record.narrowed(project_id)),
                ip,
            },
            other => other,
        }
    }

    /// The membership an identity acts under once narrowed to one project; an identity not
    /// narrowed to exactly one grants nothing here (fail closed).
    fn only_membership(record: &IdentityTokenRecord) -> Option<&IdentityMembership> {
        match record.memberships.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// The caller as the policy sees it, for an action in `project` (if any).
    pub fn principal(&self, project: Option<&str>) -> Principal<'_> {
        match self {
            Caller::Admin(session) => session.principal(project),
            Caller::Token { record, .. } => Principal::Token(record),
            Caller::Identity { record, .. } => Principal::Identity(record),
        }
    }

    /// The policy's answer for `action` in `project`, as a result: 404 for a project a person
    /// may not see, 403 for the rest of what is refused.
    pub fn decide(&self, project: Option<&str>, action: Action) -> AppResult<()> {
        policy::decide(&self.principal(project), project, &action).into_result()
    }

    /// May the caller see the project at all? (A token never reaches another project.)
    pub fn check_project(&self, project_id: &str) -> AppResult<()> {
        self.decide(Some(project_id), Action::SeeProject)
    }

    /// Is `path` in `environment` inside one of the token's scopes? Always true for people,
    /// whose access is decided per environment before any path is looked at.
    pub fn in_scope(&self, environment: &str, path: &SecretPath) -> bool {
        match self {
            Caller::Admin(_) => true,
            Caller::Identity { record, .. } => {
                Self::only_membership(record).is_some_and(|m| m.allows_environment(environment))
            }
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
            Caller::Identity { record, .. } => {
                Self::only_membership(record).is_some_and(|m| op == Op::Read || m.role.may_write())
            }
        }
    }

    /// Requires `op` on secrets at `path` in `environment` of `project`.
    pub fn require(
        &self,
        project: &str,
        op: Op,
        environment: &str,
        path: &SecretPath,
    ) -> AppResult<()> {
        let action = match op {
            Op::Read => Action::ReadSecrets { environment, path },
            Op::Write => Action::WriteSecrets { environment, path },
        };
        self.decide(Some(project), action)
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
        project: &str,
        op: Op,
        environment: &str,
        path: &SecretPath,
    ) -> AppResult<Visibility> {
        match self.require(project, op, environment, path) {
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
