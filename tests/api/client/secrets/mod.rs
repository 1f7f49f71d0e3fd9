//! `envkeep secrets`: permissions, stdin, output, exports, imports.

mod export;
mod import;
mod list;
mod set_and_get;
