//! The project role of a machine identity: `developer` (read and write) or `viewer` (read).

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityRole {
    Developer,
    Viewer,
}

impl IdentityRole {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "developer" => Ok(Self::Developer),
            "viewer" => Ok(Self::Viewer),
            _ => Err(Invalid::new("must be \"developer\" or \"viewer\"")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Developer => "developer",
            Self::Viewer => "viewer",
        }
    }

    pub fn may_write(self) -> bool {
        self == Self::Developer
    }
}
