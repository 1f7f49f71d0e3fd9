//! Black-box tests: each test starts the real server on port 0 with its own temp data dir and
//! talks HTTP to it. One test binary, modules by area.

mod hardening;
mod helpers;
