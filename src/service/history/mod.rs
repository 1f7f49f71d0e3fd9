//! History and recovery: every superseded (value, comment) pair kept sealed, the trash, restoring
//! a version, a trashed secret or a whole folder as it was, and each project's retention.

pub mod record;
