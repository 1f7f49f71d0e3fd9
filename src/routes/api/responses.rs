//! The error responses the native API documents, grouped as handlers share them, so each
//! `#[utoipa::path]` lists its success and the groups that apply instead of repeating every
//! status line. The wording is the OpenAPI document's; the bodies are DESIGN §6 errors.

use std::collections::BTreeMap;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::{RefOr, Response};
use utoipa::IntoResponses;

macro_rules! response_group {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $description:literal),+ $(,)? }) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                ResponsesBuilder::new()
                    $(.response($status, ResponseBuilder::new().description($description)))+
                    .build()
                    .into()
            }
        }
    };
}

response_group!(
    /// Any authenticated route: no credentials, or not allowed.
    Denied {
        "401" => "No or invalid credentials",
        "403" => "Forbidden, outside the token scopes, or missing CSRF token",
    }
);

response_group!(
    /// Any route with a JSON body (the body guard and field validation).
    BodyRejected {
        "400" => "Malformed JSON or query",
        "413" => "Body over 256 KiB",
        "422" => "Invalid fields, listed in details",
    }
);

response_group!(
    /// A route whose query string is parsed.
    BadQuery { "400" => "Malformed JSON or query" }
);

response_group!(
    /// A route whose query names something that is validated (a key, a slug).
    Invalid { "422" => "Invalid fields, listed in details" }
);

response_group!(
    /// A route that names a project (and maybe an environment, folder or secret).
    Missing { "404" => "Unknown project, environment, folder or secret" }
);

response_group!(
    /// A create or delete that can collide with what exists.
    Conflict { "409" => "Conflict" }
);

response_group!(
    /// A route the per-address failure throttle guards.
    Throttled { "429" => "Too many failed attempts from this address" }
);

response_group!(
    /// A route that authenticates by password, where a bad one is a 401.
    BadCredentials { "401" => "No or invalid credentials" }
);

response_group!(
    /// A one-time code that cannot be used (unknown, used, expired or revoked alike).
    GoneCode { "410" => "Unknown, used, expired or revoked code: ask for a new one" }
);
