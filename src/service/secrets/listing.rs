//! Listings and their bodies. A listing first reserves room in the Store's listing memory,
//! sized from what is stored, so parallel listings of large folders queue instead of each holding
//! its own copy; the body keeps the part it needs until it is sent.
//!
//! A listing small enough to keep is decrypted whole and kept by the Store with its rendered
//! bodies. One too large to keep is rendered row by row as it is read and decrypted (`large`), so
//! its plaintexts never all sit in memory: it holds only its body.

use super::Location;
use crate::db::usage::Usage;
use crate::db::DbResult;
use crate::error::AppResult;
use crate::service::environment;
use crate::service::views::SecretView;
use crate::store::{CachedFolder, ProjectKeys, Rendering, Reservation, Stamp, Store, Unreadable};
use rusqlite::Connection;
use std::sync::Arc;

/// Writes one kind of listing body (native, Infisical raw, Infisical encrypted) one secret at a
/// time. The body is `head`, the secrets separated by commas, then `tail`.
pub trait BodyWriter: Send + 'static {
    /// Gets the project's keys once the caller may list (the encrypted shape seals with them).
    fn keys(&mut self, _keys: &Arc<ProjectKeys>) {}
    /// Sees every secret of the body, in order, even when a kept rendering is served instead of
    /// `secret` being called (Infisical's ETag is computed from them).
    fn note(&mut self, _secret: &SecretView) {}
    /// The body up to the opening of the secrets array.
    fn head(&self) -> &'static str;
    /// Appends one secret.
    fn secret(&mut self, secret: &SecretView, out: &mut Vec<u8>) -> serde_json::Result<()>;
    /// Closes the secrets array and the body; `unreadable` are the secrets left out.
    fn tail(&self, unreadable: &[Unreadable], out: &mut Vec<u8>) -> serde_json::Result<()>;
}

/// A listing body, the writer that made it (with what it noted), the listing memory reserved
/// for it, and the Store's generation of what it lists (an ETag's input, see [`Stamp`]).
pub struct Rendered<W> {
    pub body: String,
    pub writer: W,
    pub reservation: Reservation,
    pub generation: Stamp,
}

/// A listing's body, or the generation the caller already holds (nothing read or decrypted).
pub enum Polled<W> {
    Held(Stamp),
    Changed(Rendered<W>),
}

/// A body being written.
pub(super) struct Body<'w, W: BodyWriter> {
    out: Vec<u8>,
    first: bool,
    pub(super) writer: &'w mut W,
}

impl<'w, W: BodyWriter> Body<'w, W> {
    pub(super) fn new(writer: &'w mut W, capacity: usize) -> Self {
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(writer.head().as_bytes());
        Self {
            out,
            first: true,
            writer,
        }
    }

    pub(super) fn push(&mut self, secret: &SecretView) -> serde_json::Result<()> {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
        self.writer.secret(secret, &mut self.out)
    }

    pub(super) fn finish(mut self, unreadable: &[Unreadable]) -> serde_json::Result<String> {
        self.writer.tail(unreadable, &mut self.out)?;
        String::from_utf8(self.out).map_err(serde::ser::Error::custom)
    }
}

/// The secrets of a folder or subtree, decrypted, with the listing memory reserved for them.
pub struct Listing {
    folder: Arc<CachedFolder>,
    sharing: Sharing,
    reservation: Reservation,
}

/// Whether a listing's folder is the one the Store keeps (whose rendered bodies are kept with
/// it) or this request's own.
pub(super) enum Sharing {
    Kept,
    Own,
}

impl Listing {
    pub(super) fn new(
        folder: Arc<CachedFolder>,
        sharing: Sharing,
        reservation: Reservation,
    ) -> Self {
        Self {
            folder,
            sharing,
            reservation,
        }
    }

    pub fn secrets(&self) -> &[SecretView] {
        self.folder.secrets()
    }

    pub fn unreadable(&self) -> &[Unreadable] {
        self.folder.unreadable()
    }

    /// Changes whenever a write may have changed what is listed (see [`Stamp`]).
    pub fn generation(&self) -> Stamp {
        self.folder.generation()
    }

    /// The folder (shared with the Store's cache when kept) and the memory held for it.
    pub fn into_parts(self) -> (Arc<CachedFolder>, Reservation) {
        (self.folder, self.reservation)
    }

    /// The body `writer` writes; `which` names the rendering kept with a folder the Store keeps
    /// (the next request copies it), or `None` for a body that differs every time.
    pub(super) fn render<W: BodyWriter>(
        self,
        which: Option<Rendering>,
        mut writer: W,
    ) -> AppResult<Rendered<W>> {
        let (folder, secrets) = (&self.folder, self.folder.secrets());
        secrets.iter().for_each(|s| writer.note(s));
        let mut render = |secrets: &[SecretView]| {
            let capacity = body_bytes(folder.content_bytes(), secrets.len());
            let mut body = Body::new(&mut writer, capacity);
            secrets.iter().try_for_each(|s| body.push(s))?;
            body.finish(folder.unreadable())
        };
        let body = match (&self.sharing, which) {
            (Sharing::Kept, Some(which)) => folder.rendered(which, render).map(str::to_owned),
            _ => render(secrets),
        };
        let body = body.map_err(crate::error::AppError::internal)?;
        Ok(Rendered {
            body,
            writer,
            reservation: self.reservation,
            generation: folder.generation(),
        })
    }
}

/// The body `writer` writes for these secrets (an answer built for this request, such as one
/// with references expanded: never kept).
pub fn render_views<W: BodyWriter>(
    secrets: &[SecretView],
    unreadable: &[Unreadable],
    writer: &mut W,
) -> AppResult<String> {
    secrets.iter().for_each(|s| writer.note(s));
    let content: usize = secrets.iter().map(|s| s.value.len() + s.key.len()).sum();
    let mut body = Body::new(writer, body_bytes(content, secrets.len()));
    secrets
        .iter()
        .try_for_each(|s| body.push(s))
        .and_then(|()| body.finish(unreadable))
        .map_err(crate::error::AppError::internal)
}

/// What a body adds per secret beyond its strings (field names, ids, times, IVs and tags).
const BODY_BYTES_PER_SECRET: usize = 1024;

/// Memory for a body rendered from `content` bytes of `secrets` secrets (the encrypted shape's
/// base64 is the largest, about 4/3 of the plaintext).
pub(super) fn body_bytes(content: usize, secrets: usize) -> usize {
    content.saturating_mul(3) / 2 + secrets.saturating_mul(BODY_BYTES_PER_SECRET)
}

/// [`body_bytes`] for what `used` measured.
pub(super) fn body_bytes_for(used: Usage) -> usize {
    let sealed = usize::try_from(used.sealed_bytes).unwrap_or(usize::MAX);
    body_bytes(sealed, usize::try_from(used.secrets).unwrap_or(usize::MAX))
}

/// Memory for decrypting `used` whole: the ciphertexts read, the plaintexts, and a body.
pub(super) fn load_bytes(used: Usage) -> usize {
    let sealed = usize::try_from(used.sealed_bytes).unwrap_or(usize::MAX);
    sealed.saturating_add(body_bytes_for(used))
}

/// Reserves room to serve `folder`, which is already decrypted.
pub(super) async fn reserve_for(store: &Store, folder: &CachedFolder) -> AppResult<Reservation> {
    let bytes = body_bytes(folder.content_bytes(), folder.secrets().len());
    store.reserve_listing(bytes).await
}

/// What `measure` finds stored at `at`, read without touching a ciphertext.
pub(super) async fn measure(
    store: &Store,
    at: &Location,
    measure: fn(&Connection, &str, &str) -> DbResult<Usage>,
) -> AppResult<Usage> {
    let owned = at.clone();
    store
        .read(move |conn| -> AppResult<Usage> {
            let env = environment(conn, &owned.project_id, owned.environment.as_str())?;
            Ok(measure(conn, &env.id, owned.path.as_str())?)
        })
        .await
}
