//! Background jobs: plain `run_once` functions, and loops that only decide when to call them.

pub mod background;
pub mod scheduler;
pub mod sweep;
