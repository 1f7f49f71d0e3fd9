//! Service tokens through the native API: minting, what is shown and stored, authentication,
//! revocation, address limits, last use, and rows that no longer decode.

mod allowed_ips;
mod authentication;
mod corrupt_rows;
mod last_use;
mod minting;
mod validation;

use serde_json::{json, Value};

/// A read-only token for `dev:/app/**` that expires in an hour.
fn read_dev_app() -> Value {
    json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/app/**" }], "permissions": ["read"], "expiresIn": 3600 })
}
