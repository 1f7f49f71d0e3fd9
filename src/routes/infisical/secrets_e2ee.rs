//! End-to-end-encrypted shape: `/api/v3/secrets[/{name}]`. Reads are sealed with the project's
//! wire key (AES-256-GCM, fresh IVs); writes are opened with it and stored in Envkeep's own
//! at-rest format, so both APIs serve the same secrets.

use super::params::{self, Params, Target};
use super::request::{ReadRequest, WriteRequest};
use super::shapes::{e2ee_secret, write_imports};
use super::version::{route, ApiVersion};
use crate::auth::Caller;
use crate::crypto::wire::{self, WireCiphertext};
use crate::error::{AppError, AppResult};
use crate::routes::etag::Selection;
use crate::routes::listing_body::ListingBody;
use crate::service::secrets::{self, render_views, BodyWriter, Extras, ImportEntry};
use crate::service::views::{SecretView, WrittenSecret};
use crate::state::AppState;
use crate::store::{ProjectKeys, Unreadable};
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::sync::Arc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use ApiVersion::V3;
    const ONE_SECRET: &str = "/api/v3/secrets/{name}";
    cfg.service(route("/api/v3/secrets", Method::GET, V3, list))
        .service(route(ONE_SECRET, Method::GET, V3, get))
        .service(route(ONE_SECRET, Method::POST, V3, create))
        .service(route(ONE_SECRET, Method::PATCH, V3, update))
        .service(route(ONE_SECRET, Method::DELETE, V3, delete));
}

/// The encrypted shape is sealed with the project key, which only a service token's key part
/// unwraps: an identity reads the plaintext routes instead.
pub fn refuse_identity(caller: &Caller) -> AppResult<()> {
    match caller {
        Caller::Identity { .. } => Err(AppError::Forbidden(String::from(
            "Machine identities read secrets through /api/v3/secrets/raw (or /api/v4/secrets); the end-to-end-encrypted /api/v3/secrets needs a service token",
        ))),
        _ => Ok(()),
    }
}

async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    read: ReadRequest,
) -> AppResult<HttpResponse> {
    refuse_identity(&read.caller)?;
    let at = read.location(Target::AsSent)?;
    let mut writer = SealedBody {
        keys: None,
        project_id: at.project_id.clone(),
        selection: Selection::new(&req, read.caller.actor_id()),
        imports: Vec::new(),
    };
    let (caller, depth) = (&read.caller, read.params.depth());
    // This shape never expands references (Infisical's legacy clients read values as stored).
    let extras = Extras {
        expand_references: false,
        ..read.params.extras()?
    };
    if extras.any() {
        let composed = secrets::composed::list(&state.store, caller, &at, depth, extras).await?;
        writer.keys(&state.store.project_keys(&at.project_id).await?);
        writer.imports = composed.imports;
        let body = render_views(&composed.secrets, &composed.unreadable, &mut writer)?;
        let selection = composed
            .generations
            .iter()
            .fold(writer.selection, |s, g| s.generation(*g));
        let body = ListingBody::new(body, composed.reservation);
        return Ok(selection.respond_json(&req, body));
    }
    // No kept rendering: every answer is sealed with fresh IVs.
    let listed = secrets::list_rendered(&state.store, caller, &at, depth, None, writer).await?;
    let body = ListingBody::new(listed.body, listed.reservation);
    Ok(listed.writer.selection.respond_json(&req, body))
}

/// `{"secrets": [...], "imports": [...]}` in the encrypted shape, each secret sealed as it is
/// written and noted for the ETag. A secret that does not decrypt is left out (this shape has no
/// place to say so; the server logged it when it read the folder).
struct SealedBody {
    keys: Option<Arc<ProjectKeys>>,
    project_id: String,
    selection: Selection,
    imports: Vec<ImportEntry>,
}

impl SealedBody {
    fn seal(&self, secret: &SecretView, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let keys = self.keys.as_ref().ok_or_else(|| {
            <serde_json::Error as serde::ser::Error>::custom("no project keys to seal with")
        })?;
        let sealed = e2ee_secret(secret, &self.project_id, &keys.wire_hex)
            .map_err(serde::ser::Error::custom)?;
        serde_json::to_writer(out, &sealed)
    }
}

impl BodyWriter for SealedBody {
    fn keys(&mut self, keys: &Arc<ProjectKeys>) {
        self.keys = Some(keys.clone());
    }

    fn note(&mut self, secret: &SecretView) {
        self.selection.add(&secret.id, secret.version);
    }

    fn head(&self) -> &'static str {
        r#"{"secrets":["#
    }

    fn secret(&mut self, secret: &SecretView, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.seal(secret, out)
    }

    // `imports` is always present: the legacy Python client fails without it.
    fn tail(&self, _: &[Unreadable], out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(br#"],"imports":"#);
        write_imports(&self.imports, out, |s, out| self.seal(s, out))?;
        out.push(b'}');
        Ok(())
    }
}

/// `type=personal` from a token answers the shared secret, as Infisical does for tokens.
async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    read: ReadRequest,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    refuse_identity(&read.caller)?;
    let at = read.location(Target::AsSent)?;
    let name = params::secret_name(&name)?;
    let secret = secrets::get(&state.store, &read.caller, &at, &name).await?;
    let keys = state.store.project_keys(&at.project_id).await?;
    let selection = Selection::new(&req, read.caller.actor_id()).item(&secret.id, secret.version);
    let sealed = e2ee_secret(&secret, &at.project_id, &keys.wire_hex)?;
    Ok(selection.respond(&req, json!({ "secret": sealed })))
}

/// Opens one client-sealed field; `None` when the client sent none of its three parts.
fn open_field(key: &str, field: &str, parts: [&Option<String>; 3]) -> AppResult<Option<String>> {
    let [ciphertext, iv, tag] = parts;
    match (ciphertext, iv, tag) {
        (None, None, None) => Ok(None),
        (Some(ciphertext), Some(iv), Some(tag)) => {
            let wire = WireCiphertext {
                ciphertext: ciphertext.clone(),
                iv: iv.clone(),
                tag: tag.clone(),
            };
            let plain = wire::decrypt(key, &wire).map_err(|_| {
                AppError::BadRequest(format!(
                    "{field} could not be decrypted with the project key"
                ))
            })?;
            String::from_utf8(plain)
                .map(Some)
                .map_err(|_| AppError::BadRequest(format!("{field} is not UTF-8 text")))
        }
        _ => Err(AppError::validation(
            field,
            "needs its Ciphertext, IV and Tag together",
        )),
    }
}

struct Opened {
    name: Option<String>,
    value: Option<String>,
    comment: Option<String>,
}

fn open_body(key: &str, p: &Params) -> AppResult<Opened> {
    Ok(Opened {
        name: open_field(
            key,
            "secretKey",
            [
                &p.secret_key_ciphertext,
                &p.secret_key_iv,
                &p.secret_key_tag,
            ],
        )?,
        value: open_field(
            key,
            "secretValue",
            [
                &p.secret_value_ciphertext,
                &p.secret_value_iv,
                &p.secret_value_tag,
            ],
        )?,
        comment: open_field(
            key,
            "secretComment",
            [
                &p.secret_comment_ciphertext,
                &p.secret_comment_iv,
                &p.secret_comment_tag,
            ],
        )?,
    })
}

/// The project's keys and the body opened with them, once the caller may write there and read:
/// a token of another project, or one without `read`, gets its 403 before anything is decrypted.
async fn open_write(
    state: &AppState,
    write: &WriteRequest,
) -> AppResult<(Arc<ProjectKeys>, Opened)> {
    let keys = secrets::keys_for_sealed_write(&state.store, &write.caller, &write.at).await?;
    let opened = open_body(&keys.wire_hex, &write.params)?;
    Ok((keys, opened))
}

/// The written secret sealed for the caller, whom `keys_for_sealed_write` let through only with
/// `read`: so the answer is always whole.
fn answer(secret: &WrittenSecret, project_id: &str, key: &str) -> AppResult<HttpResponse> {
    let WrittenSecret::Readable(secret) = secret else {
        return Err(AppError::internal(
            "an end-to-end-encrypted write was answered without the read permission",
        ));
    };
    Ok(HttpResponse::Ok().json(json!({ "secret": e2ee_secret(secret, project_id, key)? })))
}

async fn create(state: web::Data<AppState>, write: WriteRequest) -> AppResult<HttpResponse> {
    refuse_identity(&write.caller)?;
    let (keys, opened) = open_write(&state, &write).await?;
    if opened
        .name
        .as_deref()
        .is_some_and(|n| n != write.name.as_str())
    {
        return Err(AppError::BadRequest(String::from(
            "secretKeyCiphertext does not decrypt to the secret name in the URL",
        )));
    }
    let value = opened
        .value
        .ok_or_else(|| AppError::validation("secretValueCiphertext", "is required"))?;
    let comment = opened.comment.as_deref().unwrap_or("");
    let (caller, at) = (&write.caller, &write.at);
    let secret = secrets::create(&state.store, caller, at, &write.name, &value, comment).await?;
    answer(&secret, &at.project_id, &keys.wire_hex)
}

async fn update(state: web::Data<AppState>, write: WriteRequest) -> AppResult<HttpResponse> {
    refuse_identity(&write.caller)?;
    let (keys, opened) = open_write(&state, &write).await?;
    let (value, comment) = (opened.value.as_deref(), opened.comment.as_deref());
    let (caller, at) = (&write.caller, &write.at);
    let secret = secrets::update(&state.store, caller, at, &write.name, value, comment).await?;
    answer(&secret, &at.project_id, &keys.wire_hex)
}

async fn delete(state: web::Data<AppState>, write: WriteRequest) -> AppResult<HttpResponse> {
    refuse_identity(&write.caller)?;
    let keys = secrets::keys_for_sealed_write(&state.store, &write.caller, &write.at).await?;
    let secret = secrets::delete(&state.store, &write.caller, &write.at, &write.name).await?;
    answer(&secret, &write.at.project_id, &keys.wire_hex)
}
