//! Who is calling and what they may do: plain functions and types, no HTTP and no `AppState`.
//! A service token or a user session is authenticated against the Store; `policy` decides
//! what the caller may touch; `setup` holds the first-run setup code. The request extractors
//! that build these from HTTP requests live in `routes::callers`.

pub mod access;
pub mod identity;
pub mod password;
pub mod policy;
pub mod preauth;
pub mod service_token;
pub mod session;
pub mod setup;
pub mod throttle;

pub use access::Caller;
pub use session::AdminSession;
