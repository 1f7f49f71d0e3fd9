//! Starting the server: data that survives restarts, the root key's checks, backups, health,
//! and the binary configured from the environment as the Docker image runs it.

mod backup;
mod binary;
mod data_dir;
mod health;
