//! Who may do what: every cell of DESIGN §9's table, for people and service tokens alike, in one
//! pure function. The native API, the Infisical routes and the UI all reach it through
//! `Caller::decide`; nothing else grants or refuses an action.
//!
//! For people, a project they may not see is `NotVisible` (404, as if it did not exist) and a
//! visible project where the action is not allowed is `Forbidden` (403). A service token naming
//! another project keeps today's 403 `ForbiddenError` (DESIGN §6).

use crate::domain::{InstanceRole, Membership, ProjectRole, SecretPath};
use crate::error::AppError;
use crate::store::{IdentityTokenRecord, TokenRecord};

/// What a caller wants to do. Project actions are decided against the project the request
/// names; the others are instance-wide.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// List users and invitations, invite and revoke invitations (of non-owners).
    ManageUsers,
    /// Change, disable or remove a user holding `target`, or invite or promote to `target`.
    ManageUser {
        target: InstanceRole,
    },
    CreateProject,
    SeeProject,
    /// Project settings, environments, deleting the project, secret imports (folder links).
    ConfigureProject,
    /// Manage members; attach or detach identities to this project.
    ManageMembers,
    /// Create or delete identities, their Universal Auth settings and client secrets.
    ManageIdentities,
    ReadSecrets {
        environment: &'a str,
        path: &'a SecretPath,
    },
    WriteSecrets {
        environment: &'a str,
        path: &'a SecretPath,
    },
    /// List, mint or revoke service tokens (and see their usage) whose scopes name these
    /// environments; an empty list asks whether the caller may manage any token at all.
    ManageTokens {
        environments: &'a [&'a str],
    },
    ReadVersions {
        environment: &'a str,
    },
    RestoreVersions {
        environment: &'a str,
    },
    /// The audit log of the project named (or, with no project, of the whole instance).
    ReadAudit,
    VerifyAudit,
}

impl Action<'_> {
    fn is_instance_wide(&self) -> bool {
        matches!(
            self,
            Action::ManageUsers
                | Action::ManageUser { .. }
                | Action::CreateProject
                | Action::ManageIdentities
                | Action::VerifyAudit
        )
    }

    fn describe(&self) -> &'static str {
        match self {
            Action::ManageUsers | Action::ManageUser { .. } => "manage users",
            Action::CreateProject => "create projects",
            Action::SeeProject => "see this project",
            Action::ConfigureProject => "change this project's settings or environments",
            Action::ManageMembers => "manage this project's members",
            Action::ManageIdentities => "manage identities",
            Action::ReadSecrets { .. } => "read secrets",
            Action::WriteSecrets { .. } => "write secrets",
            Action::ManageTokens { .. } => "manage service tokens",
            Action::ReadVersions { .. } => "see secret versions",
            Action::RestoreVersions { .. } => "restore secret versions",
            Action::ReadAudit => "read the audit log",
            Action::VerifyAudit => "verify the audit log",
        }
    }
}

/// Who is asking, as the policy needs to know them.
#[derive(Debug, Clone, Copy)]
pub enum Principal<'a> {
    /// A person: their instance role and their membership in the project the action names
    /// (none for instance actions, or when they are not a member).
    Person {
        role: InstanceRole,
        membership: Option<&'a Membership>,
    },
    Token(&'a TokenRecord),
    /// A machine identity: its membership of the project (role `developer` or `viewer`, and
    /// environments) decides secrets; nothing else is open to it.
    Identity(&'a IdentityTokenRecord),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// 404: for this person the project does not exist.
    NotVisible(String),
    /// 403 `ForbiddenError`: the wrong kind of caller or another project's token.
    Forbidden(String),
    /// 403 `PermissionDenied`: a visible project where the role, environments, scopes or
    /// permissions do not allow the action.
    Denied(String),
}

impl Decision {
    pub fn into_result(self) -> Result<(), AppError> {
        match self {
            Decision::Allowed => Ok(()),
            Decision::NotVisible(message) => Err(AppError::NotFound(message)),
            Decision::Forbidden(message) => Err(AppError::Forbidden(message)),
            Decision::Denied(message) => Err(AppError::PermissionDenied(message)),
        }
    }

    pub fn is_allowed(&self) -> bool {
        *self == Decision::Allowed
    }
}

/// Decides `action` for `who` in `project` (the project the request names, if any).
pub fn decide(who: &Principal, project: Option<&str>, action: &Action) -> Decision {
    match who {
        Principal::Person { role, membership } => person(*role, *membership, project, action),
        Principal::Token(record) => token(record, project, action),
        Principal::Identity(record) => identity(record, project, action),
    }
}

fn person(
    role: InstanceRole,
    membership: Option<&Membership>,
    project: Option<&str>,
    action: &Action,
) -> Decision {
    if let Action::ManageUser { target } = action {
        return match role {
            InstanceRole::Owner => Decision::Allowed,
            InstanceRole::Admin if *target != InstanceRole::Owner => Decision::Allowed,
            InstanceRole::Admin => {
                Decision::Denied(String::from("Only an owner may invite or change an owner"))
            }
            InstanceRole::Member => denied(action),
        };
    }
    if role.administers_projects() || matches!(action, Action::CreateProject) {
        return Decision::Allowed;
    }
    if action.is_instance_wide() || project.is_none() {
        return denied(action);
    }
    let Some(membership) = membership else {
        return Decision::NotVisible(format!(
            "Project '{}' was not found",
            project.unwrap_or_default()
        ));
    };
    let envs = &membership.environments;
    let in_envs = |environment: &str| {
        if envs.contains(environment) {
            Decision::Allowed
        } else {
            Decision::Denied(format!(
                "You may not {} in environment '{environment}': your membership of this project does not include it",
                action.describe()
            ))
        }
    };
    match (membership.role, action) {
        (_, Action::SeeProject) => Decision::Allowed,
        (ProjectRole::Admin, Action::VerifyAudit) => denied(action),
        (ProjectRole::Admin, _) => Decision::Allowed,
        (_, Action::ReadSecrets { environment, .. } | Action::ReadVersions { environment }) => {
            in_envs(environment)
        }
        (
            ProjectRole::Developer,
            Action::WriteSecrets { environment, .. } | Action::RestoreVersions { environment },
        ) => in_envs(environment),
        (ProjectRole::Developer, Action::ManageTokens { environments }) => environments
            .iter()
            .map(|e| in_envs(e))
            .find(|d| !d.is_allowed())
            .unwrap_or(Decision::Allowed),
        _ => denied(action),
    }
}

fn denied(action: &Action) -> Decision {
    Decision::Denied(format!(
        "Your role does not allow you to {}",
        action.describe()
    ))
}

/// A token reaches only its own project, and there only secrets and folders within its scopes
/// and permissions (DESIGN §4); the messages are today's, which clients may show.
fn token(record: &TokenRecord, project: Option<&str>, action: &Action) -> Decision {
    let Some(project) = project.filter(|_| !action.is_instance_wide()) else {
        return not_for_tokens(action);
    };
    if record.project_id != project {
        return Decision::Forbidden(format!(
            "Service token not a part of the specified project with ID {project}"
        ));
    }
    let (verb, holds, environment, path) = match action {
        Action::SeeProject => return Decision::Allowed,
        Action::ReadSecrets { environment, path } => {
            ("read", record.permissions.read, environment, path)
        }
        Action::WriteSecrets { environment, path } => {
            ("write", record.permissions.write, environment, path)
        }
        other => return not_for_tokens(other),
    };
    if !holds {
        return Decision::Denied(format!(
            "You are not allowed to {verb} on secrets: this service token lacks the '{verb}' permission"
        ));
    }
    let in_scope = record
        .scopes
        .iter()
        .any(|s| s.environment == *environment && s.glob.matches(path));
    if !in_scope {
        return Decision::Denied(format!(
            "You are not allowed to {verb} on secrets in environment '{environment}' at path '{path}': it is outside this service token's scopes"
        ));
    }
    Decision::Allowed
}

/// An identity reaches the projects it is a member of, and there reads secrets in its
/// environments and, as a developer, writes them; every other action is refused.
fn identity(record: &IdentityTokenRecord, project: Option<&str>, action: &Action) -> Decision {
    let not_for_identities = |action: &Action| {
        Decision::Forbidden(format!(
            "Machine identities cannot {}; it needs a user session",
            action.describe()
        ))
    };
    let Some(project) = project.filter(|_| !action.is_instance_wide()) else {
        return not_for_identities(action);
    };
    let Some(membership) = record.membership(project) else {
        return Decision::Forbidden(format!(
            "Identity is not a member of the specified project with ID '{project}'"
        ));
    };
    let (environment, allowed) = match action {
        Action::SeeProject => return Decision::Allowed,
        Action::ReadSecrets { environment, .. } => (environment, true),
        Action::WriteSecrets { environment, .. } => (environment, membership.role.may_write()),
        other => return not_for_identities(other),
    };
    if !allowed || !membership.allows_environment(environment) {
        return Decision::Denied(format!(
            "You are not allowed to {} in environment '{environment}': this identity's role or environments in the project do not allow it",
            action.describe()
        ));
    }
    Decision::Allowed
}

fn not_for_tokens(action: &Action) -> Decision {
    Decision::Forbidden(format!(
        "Service tokens cannot {}; it needs a user session",
        action.describe()
    ))
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
