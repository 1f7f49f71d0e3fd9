//! The client side of the binary: `envkeep run` and `envkeep secrets`, used with a service token
//! from CI jobs and container entrypoints. It talks HTTP to a server like any other client; no
//! server module depends on it, and it reuses only `crypto::wire` (Infisical's AES-GCM format)
//! to open end-to-end-encrypted answers and `percent` to build request paths.
//!
//! Layout: `args` (clap flags), `config` (validated settings, the token split into the access
//! part that is sent and the key part that is not), `http` (transport and error mapping),
//! `target` (which project/environment/folder), `source` (the server calls), `e2ee` (Infisical's
//! encrypted shapes), `secret` (one value per name), `export` (file formats), `import_file`
//! (the files `import` reads), `table`, and one module per command (`run`, `secrets`,
//! `import`); `exit` holds the exit codes.

pub mod args;
pub mod config;
pub mod e2ee;
pub mod exit;
pub mod export;
pub mod http;
pub mod import;
pub mod import_file;
pub mod run;
pub mod secret;
pub mod secrets;
pub mod source;
pub mod table;
pub mod target;
