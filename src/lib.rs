//! Envkeep: a self-hosted secrets server for small teams.
//!
//! Layers, lowest first; a module imports only its own layer and lower ones (DESIGN §1, checked
//! by `../shared/tools/layers`):
//! - `domain`, `crypto`, `time`, `percent`: pure validated types and ciphers, no HTTP, no SQL.
//! - `db`: SQL, the read pool and the writer connection, migrations, typed rows.
//! - `config`: the validated configuration and the `Settings` handlers read.
//! - `error`: one `AppError`, mapped to HTTP in one place.
//! - `store`: the one owner of the database and every cache of stored data; its one write path
//!   evicts exactly what each write touched.
//! - `auth`: who is calling (service token, admin session) and what they may do.
//! - `service`: the use cases every face shares (native API, Infisical API, UI).
//! - `jobs`: the sweep, the health probe, the last-use flusher; they take the Store.
//! - `state`: `AppState`, what handlers get: the Store, the auth pieces, settings.
//! - `routes`: HTTP only: extractors, cookies, request parsing, answer shapes.
//!
//! `main`, `cli`, `startup`, `telemetry` and `healthcheck` wire these together, and `commands`
//! holds the offline subcommands (`check`, `restore`); `client` is the `envkeep run`/`secrets`
//! command and uses only the pure layer.
#![deny(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod auth;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod healthcheck;
pub mod jobs;
pub mod percent;
pub mod routes;
pub mod service;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod time;
