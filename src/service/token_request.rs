//! A mint request as every face receives it (the native API's JSON, the Infisical route's JSON,
//! the UI's form) and its one parser, so the three cannot disagree on what a valid token is.

use super::fields::{all, each, field, present, required, Parsed};
use super::tokens::{NewToken, MAX_SCOPES};
use crate::domain::{AllowedIps, EnvSlug, ExpiresIn, Invalid, Name, Permissions, ScopeGlob};
use crate::error::FieldError;
use serde::Deserialize;

/// The fields of a mint request, unparsed. Field names in errors are these, in camelCase.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    pub name: Option<String>,
    pub scopes: Option<Vec<ScopeRequest>>,
    pub permissions: Option<Vec<String>>,
    /// Absent (`None`), `null` (never) or a number of seconds.
    #[serde(default, deserialize_with = "present")]
    pub expires_in: Option<serde_json::Value>,
    pub allowed_ips: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeRequest {
    pub environment: Option<String>,
    /// Defaults to `/`.
    pub secret_path: Option<String>,
}

/// What `expiresIn: 0` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroExpiry {
    /// Below the minimum, like any other number under 60.
    Refused,
    /// Never expires: the Infisical-compatible route's rule.
    Never,
}

impl NewToken {
    /// Parses a mint request, reporting every invalid field at once. Whether the scopes'
    /// environments exist is checked when minting, against the project.
    pub fn parse(request: &TokenRequest, zero: ZeroExpiry) -> Result<Self, Vec<FieldError>> {
        let (name, scopes, permissions, expires_in, allowed_ips) = all((
            field(
                "name",
                required(request.name.as_deref()).and_then(Name::parse),
            ),
            scopes(request.scopes.as_deref()),
            field(
                "permissions",
                required(request.permissions.as_deref())
                    .map_err(|_| {
                        Invalid::new(
                            "is required: [\"read\"], [\"write\"] or [\"read\", \"write\"]",
                        )
                    })
                    .and_then(Permissions::parse),
            ),
            field("expiresIn", expires(request.expires_in.as_ref(), zero)),
            field(
                "allowedIps",
                AllowedIps::parse(request.allowed_ips.as_deref().unwrap_or(&[])),
            ),
        ))?;
        Ok(Self {
            name,
            scopes,
            permissions,
            expires_in,
            allowed_ips,
            client_wrapped_key: None,
        })
    }
}

fn scopes(list: Option<&[ScopeRequest]>) -> Parsed<Vec<(EnvSlug, ScopeGlob)>> {
    let list = match list {
        None | Some([]) => Err(Invalid::new(
            "at least one scope {environment, secretPath} is required",
        )),
        Some(list) if list.len() > MAX_SCOPES => {
            Err(Invalid::new(format!("at most {MAX_SCOPES} scopes")))
        }
        Some(list) => Ok(list),
    };
    each(field("scopes", list)?.iter().enumerate().map(|(i, scope)| {
        all((
            field(
                &format!("scopes[{i}].environment"),
                required(scope.environment.as_deref()).and_then(EnvSlug::parse),
            ),
            field(
                &format!("scopes[{i}].secretPath"),
                ScopeGlob::parse(scope.secret_path.as_deref().unwrap_or("/")),
            ),
        ))
    }))
}

fn expires(value: Option<&serde_json::Value>, zero: ZeroExpiry) -> Result<ExpiresIn, Invalid> {
    match value {
        None => Err(Invalid::new(
            "is required: seconds from 60 to 315360000, or null for never",
        )),
        Some(serde_json::Value::Number(n))
            if zero == ZeroExpiry::Never && n.as_i64() == Some(0) =>
        {
            Ok(ExpiresIn::Never)
        }
        Some(value) => ExpiresIn::from_json(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(body: serde_json::Value) -> TokenRequest {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_valid_request_parses_into_domain_types() {
        let new = NewToken::parse(
            &request(json!({ "name": " ci ", "scopes": [{ "environment": "dev", "secretPath": "app/**/" }, { "environment": "prod" }], "permissions": ["write", "read"], "expiresIn": 3600, "allowedIps": ["10.0.0.1"] })),
            ZeroExpiry::Refused,
        )
        .unwrap();
        assert_eq!(new.name.as_str(), "ci");
        let scopes: Vec<_> = new
            .scopes
            .iter()
            .map(|(e, g)| (e.as_str(), g.as_str()))
            .collect();
        assert_eq!(scopes, [("dev", "/app/**"), ("prod", "/")]);
        assert_eq!(new.permissions.to_list(), ["read", "write"]);
        assert_eq!(new.expires_in, ExpiresIn::Seconds(3600));
        assert_eq!(new.allowed_ips.to_strings(), ["10.0.0.1/32"]);
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let errors = NewToken::parse(
            &request(json!({ "scopes": [{ "environment": "Dev", "secretPath": "/a//b" }, { "secretPath": "/" }], "permissions": [], "allowedIps": ["10.0.0.0/33"] })),
            ZeroExpiry::Refused,
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "scopes[0].environment",
                "scopes[0].secretPath",
                "scopes[1].environment",
                "permissions",
                "expiresIn",
                "allowedIps"
            ]
        );
    }

    #[test]
    fn zero_means_never_only_where_asked() {
        let zero = request(
            json!({ "name": "t", "scopes": [{ "environment": "dev" }], "permissions": ["read"], "expiresIn": 0 }),
        );
        assert!(NewToken::parse(&zero, ZeroExpiry::Refused).is_err());
        assert_eq!(
            NewToken::parse(&zero, ZeroExpiry::Never)
                .unwrap()
                .expires_in,
            ExpiresIn::Never
        );
        let never = request(
            json!({ "name": "t", "scopes": [{ "environment": "dev" }], "permissions": ["read"], "expiresIn": null }),
        );
        assert_eq!(
            NewToken::parse(&never, ZeroExpiry::Refused)
                .unwrap()
                .expires_in,
            ExpiresIn::Never
        );
    }
}
