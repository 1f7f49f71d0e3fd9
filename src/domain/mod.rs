//! Validated values. Every request field is parsed into one of these at the edge, so invalid data
//! never reaches the store. Nothing here knows HTTP or SQL.

pub mod dotenv;
pub mod expiry;
pub mod glob;
pub mod identity_role;
pub mod ip;
pub mod limits;
pub mod names;
pub mod path;
pub mod permission;
pub mod reference;
pub mod request_id;
pub mod roles;
pub mod token_string;
pub mod url;

pub use expiry::ExpiresIn;
pub use glob::ScopeGlob;
pub use identity_role::IdentityRole;
pub use ip::{AllowedIps, ClientAddr};
pub use limits::StorageLimits;
pub use names::{Email, EnvName, EnvSlug, FolderName, Name, Password, ProjectSlug, SecretKey};
pub use path::{Depth, SecretPath};
pub use permission::Permissions;
pub use request_id::RequestId;
pub use roles::{Environments, InstanceRole, Membership, ProjectRole};
pub use token_string::ServiceTokenString;

/// Why a value was refused: a message a person understands, without the field name (the caller
/// knows which field it parsed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn has_control_chars(s: &str) -> bool {
    s.chars().any(char::is_control)
}
