//! Reliability and security under load, faults and hostile input (issue 7). The fast tests run in
//! every `cargo test`; the `#[ignore]`d ones in `binary` drive the release binary and are run by
//! `tests/reliability/run.sh`.

mod binary;
mod csrf;
mod damaged_rows;
mod faults;
mod fuzz;
mod headers;
mod hostile_tokens;
mod large_listings;
mod limits;
mod listing_budget;
mod load;
mod storage_limits;
mod support;
mod tampering;
mod throttling;
mod unsafe_code;
