//! Offline subcommands (DESIGN §1): they work on a data directory or a database file, whether a
//! server runs on it or not, and never through the HTTP API.

pub mod audit;
pub mod check;
pub mod restore;
