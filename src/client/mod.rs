//! The client side of the binary: `envkeep run` and `envkeep secrets`, used with a service token
//! from CI jobs and container entrypoints. It talks HTTP to a server like any other client; no
//! server module depends on it, and it reuses only `crypto` (Infisical's AES-GCM format to open
//! end-to-end-encrypted answers, the XChaCha20-Poly1305 envelope to seal the fallback cache),
//! `time` and `percent` to build request paths.
//!
//! Layout: `args` (clap flags), `config` (validated settings, the token split into the access
//! part that is sent and the key part that is not), `http` (transport and error mapping),
//! `target` (which project/environment/folder), `source` (the server calls), `e2ee` (Infisical's
//! encrypted shapes), `secret` (one value per name), `export` and `import_file` (file formats),
//! `table` (and the escaping of server text), `when` (ages in messages), and one module per
//! command (`run`, `secrets`, `import`); `run` uses `fetch` (first answer and polls), `fallback`
//! (the sealed cache), `child_env` (what the command's environment gets and what is refused),
//! `child` (spawn, signals, stop) and `watch`; `exit` holds the exit codes.

pub mod args;
pub mod child;
pub mod child_env;
pub mod config;
pub mod e2ee;
pub mod exit;
pub mod export;
pub mod fallback;
pub mod fetch;
pub mod http;
pub mod identity;
pub mod import;
pub mod import_file;
pub mod run;
pub mod secret;
pub mod secrets;
pub mod source;
pub mod table;
pub mod target;
pub mod watch;
pub mod when;
