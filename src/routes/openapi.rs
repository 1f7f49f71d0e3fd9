//! The OpenAPI 3 document of the native API, generated from the handlers' `#[utoipa::path]`
//! attributes and the request bodies' `ToSchema` derives, served at `/api/openapi.json` (no
//! authentication: it describes the API, not its data). The fuzz run in
//! `tests/reliability/run.sh` drives every write endpoint from it.

use super::api::{
    account, accounts, audit, environments, folders, history, identities, identity_members,
    imports, members, mfa, password_resets, projects, secret_batches, secrets, service_tokens,
    settings, users,
};
use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Envkeep native API", description = "Projects, environments, folders, secrets and service tokens."),
    paths(
        accounts::setup, accounts::login, accounts::logout, accounts::whoami,
        audit::list, audit::verify,
        account::show_me, account::change_password, account::list_sessions, account::end_session,
        mfa::begin, mfa::confirm, mfa::disable, mfa::recovery_codes,
        password_resets::create, password_resets::use_reset, password_resets::end_sessions,
        settings::show, settings::update,
        projects::list, projects::create, projects::get, projects::update, projects::delete,
        environments::list, environments::create, environments::update, environments::delete,
        folders::list, folders::create, folders::delete,
        secrets::list, secrets::get, secrets::create, secrets::update, secrets::delete,
        secret_batches::create,
        history::list_versions, history::restore_version, history::list_trash,
        history::trashed_versions, history::restore_trashed, history::restore_folder,
        imports::list, imports::create, imports::update, imports::delete,
        identities::list, identities::create, identities::rename, identities::delete,
        identities::universal_auth, identities::list_secrets, identities::create_secret,
        identities::revoke_secret,
        identity_members::list, identity_members::attach, identity_members::update,
        identity_members::detach,
        service_tokens::list, service_tokens::create, service_tokens::revoke, service_tokens::usage,
        users::list_users, users::update_user, users::delete_user,
        users::list_invites, users::create_invite, users::revoke_invite, users::accept_invite,
        members::list, members::add, members::update, members::remove,
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
            ("/api/v1/projects/{projectId}/secret-batches", "post"),
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
    fn every_route_registered_by_the_native_api_is_in_the_document_and_nothing_else() {
        let doc = serde_json::to_value(NativeApi::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let registered = crate::routes::api::endpoints();
        for (method, path) in &registered {
            let method = method.as_str().to_lowercase();
            assert!(
                paths.get(path).and_then(|p| p.get(&method)).is_some(),
                "{method} {path} is registered but not documented"
            );
        }
        let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(
            documented,
            registered.len(),
            "the document lists a route that is not registered"
        );
    }

    /// The other half of the check above: the list `endpoints()` gives is what `configure`
    /// routes (each request reaches a handler, not the fallback or a 405).
    #[actix_web::test]
    async fn every_listed_endpoint_is_routed_by_configure() {
        use actix_web::{test, App};
        let app = test::init_service(
            App::new()
                .configure(crate::routes::api::configure)
                .default_service(web::to(HttpResponse::ImATeapot)),
        )
        .await;
        for (method, path) in crate::routes::api::endpoints() {
            let concrete: String = path
                .split('/')
                .map(|part| if part.starts_with('{') { "x" } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let request = test::TestRequest::default()
                .method(method.clone())
                .uri(&concrete)
                .to_request();
            let status = test::call_service(&app, request).await.status();
            assert!(
                status != actix_web::http::StatusCode::IM_A_TEAPOT
                    && status != actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is listed but not routed ({status})"
            );
        }
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
