//! The roles of DESIGN §9: an instance role per user, a project role (and an optional list of
//! environments) per membership. What each may do is decided in `auth::policy`, not here.

use super::{EnvSlug, Invalid};

/// A user's role on the whole instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InstanceRole {
    Owner,
    Admin,
    Member,
}

impl InstanceRole {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "member" => Ok(Self::Member),
            _ => Err(Invalid::new("must be one of owner, admin, member")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// Owners and admins act as project admin in every project.
    pub fn administers_projects(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// A member's role in one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectRole {
    Admin,
    Developer,
    Viewer,
}

impl ProjectRole {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "admin" => Ok(Self::Admin),
            "developer" => Ok(Self::Developer),
            "viewer" => Ok(Self::Viewer),
            _ => Err(Invalid::new("must be one of admin, developer, viewer")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Developer => "developer",
            Self::Viewer => "viewer",
        }
    }
}

/// Which environments a membership reaches: all of them (including ones created later), or a
/// non-empty list of slugs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environments {
    All,
    Only(Vec<EnvSlug>),
}

impl Environments {
    /// `None` = all; `Some([])` is refused (a membership that reaches nothing is a mistake).
    pub fn parse(list: Option<&[String]>) -> Result<Self, Invalid> {
        let Some(list) = list else {
            return Ok(Self::All);
        };
        if list.is_empty() {
            return Err(Invalid::new(
                "must list at least one environment, or be null for all",
            ));
        }
        let mut slugs: Vec<EnvSlug> = Vec::with_capacity(list.len());
        for raw in list {
            let slug = EnvSlug::parse(raw)?;
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        Ok(Self::Only(slugs))
    }

    pub fn contains(&self, slug: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(list) => list.iter().any(|s| s.as_str() == slug),
        }
    }

    /// The slugs, or `None` for all (the JSON `environments: null`).
    pub fn to_list(&self) -> Option<Vec<String>> {
        match self {
            Self::All => None,
            Self::Only(list) => Some(list.iter().map(|s| s.as_str().to_owned()).collect()),
        }
    }
}

/// A user's membership in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub role: ProjectRole,
    pub environments: Environments,
}

impl Membership {
    /// A project admin has no environment list (DESIGN §9): a list on an admin is refused.
    pub fn new(role: ProjectRole, environments: Environments) -> Result<Self, Invalid> {
        if role == ProjectRole::Admin && environments != Environments::All {
            return Err(Invalid::new(
                "a project admin reaches every environment; leave environments out (or null)",
            ));
        }
        Ok(Self { role, environments })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [
            InstanceRole::Owner,
            InstanceRole::Admin,
            InstanceRole::Member,
        ] {
            assert_eq!(InstanceRole::parse(role.as_str()), Ok(role));
        }
        for role in [
            ProjectRole::Admin,
            ProjectRole::Developer,
            ProjectRole::Viewer,
        ] {
            assert_eq!(ProjectRole::parse(role.as_str()), Ok(role));
        }
        assert!(InstanceRole::parse("root").is_err());
        assert!(ProjectRole::parse("Admin").is_err());
    }

    #[test]
    fn an_empty_list_and_a_list_on_an_admin_are_refused() {
        assert!(Environments::parse(Some(&[])).is_err());
        let dev = Environments::parse(Some(&["dev".to_owned()])).unwrap();
        assert!(Membership::new(ProjectRole::Admin, dev.clone()).is_err());
        assert!(Membership::new(ProjectRole::Developer, dev).is_ok());
        assert!(Membership::new(ProjectRole::Admin, Environments::All).is_ok());
    }
}
