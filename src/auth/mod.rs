//! Who is calling: an admin session (cookie or bearer) or a service token, and what they may do.

pub mod access;
pub mod caller;
pub mod client_ip;
pub mod last_used;
pub mod password;
pub mod service_token;
pub mod session;
pub mod throttle;
pub mod token_cache;

pub use access::Access;
pub use caller::Caller;
pub use session::AdminSession;
