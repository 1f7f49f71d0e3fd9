//! The OpenAPI 3 document of the native API, generated from the handlers' `#[utoipa::path]`
//! attributes and the request bodies' `ToSchema` derives, served at `/api/openapi.json` (no
//! authentication: it describes the API, not its data). The fuzz run in
//! `tests/reliability/run.sh` drives every write endpoint from it.

use super::api::{accounts, environments, folders, projects, secrets, service_tokens};
use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Envkeep native API", description = "Projects, environments, folders, secrets and service tokens."),
    paths(
        accounts::setup, accounts::login, accounts::logout, accounts::whoami,
        projects::list, projects::create, projects::get, projects::delete,
        environments::list, environments::create, environments::update, environments::delete,
        folders::list, folders::create, folders::delete,
        secrets::list, secrets::get, secrets::create, secrets::update, secrets::delete,
        service_tokens::list, service_tokens::create, service_tokens::revoke,
    ),
    modifiers(&Credentials)
)]
pub struct NativeApi;

/// Admin sessions and service tokens travel as `Authorization: Bearer`; the browser's session
/// cookie also works (with `X-CSRF-Token` on state changes).
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("envkeep_session"))),
        );
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(document));
}

async fn document() -> HttpResponse {
    HttpResponse::Ok().json(NativeApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_native_write_endpoint_is_documented() {
        let doc = serde_json::to_value(NativeApi::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for (path, method) in [
            ("/api/v1/projects", "post"),
            ("/api/v1/projects/{projectId}", "delete"),
            ("/api/v1/projects/{projectId}/environments", "post"),
            ("/api/v1/projects/{projectId}/environments/{slug}", "patch"),
            ("/api/v1/projects/{projectId}/folders", "post"),
            ("/api/v1/projects/{projectId}/secrets", "post"),
            ("/api/v1/projects/{projectId}/secrets/{key}", "patch"),
            ("/api/v1/projects/{projectId}/service-tokens", "post"),
            (
                "/api/v1/projects/{projectId}/service-tokens/{tokenId}",
                "delete",
            ),
            ("/api/v1/auth/login", "post"),
        ] {
            assert!(
                paths.get(path).and_then(|p| p.get(method)).is_some(),
                "{method} {path} missing"
            );
        }
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let body = &doc["components"]["schemas"]["ServiceTokenCreateBody"]["properties"];
        assert!(
            body.get("scopes").is_some() && body.get("expiresIn").is_some(),
            "{body}"
        );
    }

    #[test]
    fn the_documented_patterns_are_the_parsers() {
        use crate::domain::{EnvSlug, FolderName, SecretKey, SecretPath};
        let doc = serde_json::to_value(NativeApi::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let pattern = |body: &str, field: &str| {
            schemas[body]["properties"][field]["pattern"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}.{field} has no pattern"))
                .to_owned()
        };
        assert_eq!(pattern("FolderCreateBody", "name"), FolderName::PATTERN);
        assert_eq!(pattern("FolderCreateBody", "path"), SecretPath::PATTERN);
        assert_eq!(pattern("SecretCreateBody", "key"), SecretKey::PATTERN);
        assert_eq!(pattern("EnvironmentCreateBody", "slug"), EnvSlug::PATTERN);
        let scope = &schemas["ServiceTokenCreateBody"]["properties"]["scopes"]["items"];
        assert_eq!(
            scope["properties"]["environment"]["pattern"],
            EnvSlug::PATTERN
        );
    }
}
