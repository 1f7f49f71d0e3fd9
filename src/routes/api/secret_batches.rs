//! `POST /api/v1/projects/{projectId}/secret-batches` (admin session or service token with
//! `write`): many secrets of one folder in one transaction, as an `.env` import sends them. The
//! body may be up to 1 MiB, read only after the caller is authenticated (`large_body`).

use super::responses::{Denied, Missing};
use super::urls::ProjectUrl;
use super::{schema, Endpoint};
use crate::auth::Caller;
use crate::error::AppResult;
use crate::routes::large_body::{self, BATCH_BODY_LIMIT};
use crate::service::sealed_fields::MAX_COMMENT_BYTES;
use crate::service::secrets::batch::{self, BatchRequest, MAX_BATCH_SECRETS};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use std::borrow::Cow;
use utoipa::openapi::{ArrayBuilder, ObjectBuilder, RefOr, Schema, Type};

pub const ENDPOINTS: &[Endpoint] = endpoints![
    POST "/{projectId}/secret-batches" => create,
];

/// The batch request is the service's [`BatchRequest`], shared with the UI's import; its
/// document is written here, from the parsers' constants.
impl utoipa::PartialSchema for BatchRequest {
    fn schema() -> RefOr<Schema> {
        let entry = ObjectBuilder::new()
            .property("key", schema::secret_key())
            .required("key")
            .property("value", schema::secret_value())
            .required("value")
            .property(
                "comment",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(MAX_COMMENT_BYTES))
                    .description(Some(
                        "Absent: a new secret gets none, an overwritten one keeps its own",
                    )),
            );
        let flag = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .description(Some(description))
        };
        ObjectBuilder::new()
            .property("environment", schema::env_slug())
            .required("environment")
            .property("path", schema::secret_path())
            .property(
                "secrets",
                ArrayBuilder::new()
                    .items(entry)
                    .max_items(Some(MAX_BATCH_SECRETS))
                    .description(Some("Each key at most once")),
            )
            .required("secrets")
            .property(
                "overwrite",
                flag("Replace the values of keys that exist (default false: skip them)"),
            )
            .property(
                "dryRun",
                flag("Answer the plan, write nothing (default false)"),
            )
            .into()
    }
}

impl utoipa::ToSchema for BatchRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SecretBatchBody")
    }
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/secret-batches", operation_id = "writeSecretBatch", tag = "secrets",
    description = "Create (and with overwrite, update) many secrets of one folder in one transaction, \
        or with dryRun only say what would happen. Answers the keys by outcome: created, overwritten, \
        unchanged, skipped (exists, overwrite false); a caller without read permission gets every \
        existing key under existing instead. Needs write permission; body up to 1 MiB.",
    params(ProjectUrl),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "What was done, or would be: {created, overwritten, unchanged, skipped, existing, dryRun}, each a list of keys"),
        (status = 400, description = "Malformed JSON"),
        (status = 413, description = "Body over 1 MiB"),
        (status = 422, description = "Invalid fields, every bad entry listed in details (secrets[3].key)"),
        (status = 503, description = "Too many large bodies at once; retry"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    url: web::Path<ProjectUrl>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let body =
        large_body::read::<BatchRequest>(&req, payload, &state.large_bodies, BATCH_BODY_LIMIT)
            .await?;
    let batch = body.value.parse()?;
    let outcome = batch::write(&state.store, &caller, &url.project_id, batch).await?;
    Ok(HttpResponse::Ok().json(outcome))
}
