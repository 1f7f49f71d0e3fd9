//! Teams (DESIGN §9): each role × action of the table over HTTP, users, invitations, members and
//! the tokens within a developer's reach.

mod deleted_environments;
mod invites;
mod members;
mod races;
mod roles;
pub mod support;
mod tokens;
mod users;
