//! `envkeep secrets`: permissions, stdin, output, exports.

mod export;
mod list;
mod set_and_get;
