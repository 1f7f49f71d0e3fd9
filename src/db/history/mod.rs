//! Secret history: superseded (value, comment) pairs in `secret_versions` and the authorship of
//! each live row's current version (`versions`), the trash of deleted secrets, which keep their id
//! and history (`trash`), and each project's retention and history-bytes count (`retention`).

mod retention;
mod trash;
mod versions;

pub use retention::*;
pub use trash::*;
pub use versions::*;

/// Who made a version, as they were named then (a later rename or removal does not rewrite it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub kind: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
}
