//! Projects, their environments and folders through the native API, and the audit trail.

mod audit;
mod environments;
mod folders;
mod lifecycle;
mod slugs;
