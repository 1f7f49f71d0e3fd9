//! Surviving the loss of the machine, as far as the binary's own part goes: `envkeep check` and
//! `envkeep restore`, scheduled backups, files readable by their owner only, refusing to serve a
//! file another program holds the write lock of (a `litestream restore -f` follower), and a
//! shutdown that says when its checkpoint could not finish. The Litestream runs themselves are
//! in `tests/recovery/run.sh`.

mod backups;
mod check;
pub mod commands;
mod file_modes;
mod follower;
mod restore;
mod shutdown;
