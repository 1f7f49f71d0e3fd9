//! Teams (DESIGN §9): each role × action of the table over HTTP, users, invitations, members and
//! the tokens within a developer's reach.

mod invites;
mod members;
mod roles;
mod support;
mod tokens;
mod users;
