//! Envkeep: a self-hosted secrets server for small teams.
//!
//! The dependency direction is `cli → startup → routes → service → auth → domain`; `routes`,
//! `service`, `auth` and `jobs` call `db` and `crypto`; `domain` and `crypto` know nothing of
//! HTTP or SQL. `service` holds the use cases (list secrets, mint a token, …) that both the native
//! API and the Infisical-compatible API call, so there is one authorisation path and one store.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod auth;
pub mod cli;
pub mod client;
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
