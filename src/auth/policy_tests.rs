//! One test per row of DESIGN §9's table, each checking every column: owner, admin, project
//! admin, developer and viewer (both limited to `dev`), and a service token of project `p`
//! (read and write on `dev:/**`). `A` allowed, `N` not visible (404), `F` forbidden for this
//! kind of caller or another project (403 ForbiddenError), `D` denied (403 PermissionDenied).

use super::*;
use crate::domain::{AllowedIps, EnvSlug, Environments, Permissions, ScopeGlob};
use crate::store::TokenScope;

const P: Option<&str> = Some("p");

fn member(role: ProjectRole) -> Membership {
    let environments = match role {
        ProjectRole::Admin => Environments::All,
        _ => Environments::Only(vec![EnvSlug::parse("dev").unwrap()]),
    };
    Membership::new(role, environments).unwrap()
}

fn token_record(project: &str) -> TokenRecord {
    TokenRecord {
        id: String::from("t"),
        project_id: project.to_owned(),
        secret_hash: Vec::new(),
        permissions: Permissions {
            read: true,
            write: true,
        },
        expires_at: None,
        allowed_ips: AllowedIps::parse::<&str>(&[]).unwrap(),
        scopes: vec![TokenScope {
            environment: String::from("dev"),
            glob: ScopeGlob::parse("/**").unwrap(),
        }],
    }
}

fn code(decision: Decision) -> char {
    match decision {
        Decision::Allowed => 'A',
        Decision::NotVisible(_) => 'N',
        Decision::Forbidden(_) => 'F',
        Decision::Denied(_) => 'D',
    }
}

/// The row of `action` in project `project`: owner, admin, project admin, developer, viewer,
/// token of `p`.
fn row(project: Option<&str>, action: Action) -> String {
    let (admin, developer, viewer) = (
        member(ProjectRole::Admin),
        member(ProjectRole::Developer),
        member(ProjectRole::Viewer),
    );
    let people = [
        (InstanceRole::Owner, None),
        (InstanceRole::Admin, None),
        (InstanceRole::Member, Some(&admin)),
        (InstanceRole::Member, Some(&developer)),
        (InstanceRole::Member, Some(&viewer)),
    ];
    let record = token_record("p");
    people
        .iter()
        .map(|&(role, membership)| Principal::Person { role, membership })
        .chain([Principal::Token(&record)])
        .map(|who| code(decide(&who, project, &action)))
        .collect()
}

fn root() -> SecretPath {
    SecretPath::parse("/").unwrap()
}

#[test]
fn manage_users_and_invites_is_for_owners_and_admins() {
    assert_eq!(row(None, Action::ManageUsers), "AADDDF");
    let member = InstanceRole::Member;
    assert_eq!(row(None, Action::ManageUser { target: member }), "AADDDF");
}

#[test]
fn only_an_owner_may_invite_or_change_an_owner() {
    let owner = InstanceRole::Owner;
    assert_eq!(row(None, Action::ManageUser { target: owner }), "ADDDDF");
}

#[test]
fn every_person_may_create_a_project_and_no_token() {
    assert_eq!(row(None, Action::CreateProject), "AAAAAF");
}

#[test]
fn a_project_is_seen_by_owners_admins_and_its_members_and_its_own_token() {
    assert_eq!(row(P, Action::SeeProject), "AAAAAA");
}

#[test]
fn a_project_is_not_visible_to_a_member_of_another_and_other_tokens_get_403() {
    let outsider = Principal::Person {
        role: InstanceRole::Member,
        membership: None,
    };
    assert_eq!(code(decide(&outsider, P, &Action::SeeProject)), 'N');
    assert_eq!(code(decide(&outsider, P, &Action::ConfigureProject)), 'N');
    let other = token_record("q");
    assert_eq!(
        code(decide(&Principal::Token(&other), P, &Action::SeeProject)),
        'F'
    );
}

#[test]
fn project_settings_environments_and_delete_are_for_project_admins() {
    assert_eq!(row(P, Action::ConfigureProject), "AAADDF");
}

#[test]
fn members_are_managed_by_project_admins() {
    assert_eq!(row(P, Action::ManageMembers), "AAADDF");
}

#[test]
fn identities_are_created_by_owners_and_admins_only() {
    assert_eq!(row(P, Action::ManageIdentities), "AADDDF");
}

#[test]
fn secrets_are_read_within_the_membership_environments() {
    let path = root();
    let dev = Action::ReadSecrets {
        environment: "dev",
        path: &path,
    };
    assert_eq!(row(P, dev), "AAAAAA");
    let prod = Action::ReadSecrets {
        environment: "prod",
        path: &path,
    };
    assert_eq!(row(P, prod), "AAADDD");
}

#[test]
fn secrets_are_written_by_developers_in_their_environments_never_by_viewers() {
    let path = root();
    let dev = Action::WriteSecrets {
        environment: "dev",
        path: &path,
    };
    assert_eq!(row(P, dev), "AAAADA");
    let prod = Action::WriteSecrets {
        environment: "prod",
        path: &path,
    };
    assert_eq!(row(P, prod), "AAADDD");
}

#[test]
fn a_token_needs_the_permission_as_well_as_the_scope() {
    let mut record = token_record("p");
    record.permissions.write = false;
    let path = root();
    let write = Action::WriteSecrets {
        environment: "dev",
        path: &path,
    };
    let refused = decide(&Principal::Token(&record), P, &write);
    assert!(matches!(refused, Decision::Denied(m) if m.contains("lacks the 'write' permission")));
}

#[test]
fn tokens_are_managed_by_developers_only_within_their_environments() {
    let any = Action::ManageTokens { environments: &[] };
    assert_eq!(row(P, any), "AAAADF");
    let dev = Action::ManageTokens {
        environments: &["dev"],
    };
    assert_eq!(row(P, dev), "AAAADF");
    let both = Action::ManageTokens {
        environments: &["dev", "prod"],
    };
    assert_eq!(row(P, both), "AAADDF");
}

#[test]
fn a_refused_token_scope_names_the_environment() {
    let developer = member(ProjectRole::Developer);
    let who = Principal::Person {
        role: InstanceRole::Member,
        membership: Some(&developer),
    };
    let action = Action::ManageTokens {
        environments: &["dev", "prod"],
    };
    let refused = decide(&who, P, &action);
    assert!(matches!(refused, Decision::Denied(m) if m.contains("'prod'")));
}

#[test]
fn versions_are_read_in_the_membership_environments_and_restored_by_developers() {
    assert_eq!(
        row(P, Action::ReadVersions { environment: "dev" }),
        "AAAAAF"
    );
    assert_eq!(
        row(
            P,
            Action::ReadVersions {
                environment: "prod"
            }
        ),
        "AAADDF"
    );
    let restore_dev = Action::RestoreVersions { environment: "dev" };
    assert_eq!(row(P, restore_dev), "AAAADF");
    let restore_prod = Action::RestoreVersions {
        environment: "prod",
    };
    assert_eq!(row(P, restore_prod), "AAADDF");
}

#[test]
fn the_audit_log_is_read_by_project_admins_and_verified_by_owners_and_admins() {
    assert_eq!(row(P, Action::ReadAudit), "AAADDF");
    assert_eq!(row(None, Action::ReadAudit), "AADDDF");
    assert_eq!(row(None, Action::VerifyAudit), "AADDDF");
}
