//! What a listing holds: the secrets (and unreadable ones) a caller may see, and the listing
//! memory reserved for them. A listing reserves that memory before it reads anything, sized from
//! what is stored, so parallel listings of large folders queue in the Store's budget instead of
//! each holding its own copy; the body built from it keeps the part it needs until it is sent.

use super::Location;
use crate::db::usage::Usage;
use crate::db::DbResult;
use crate::error::AppResult;
use crate::service::environment;
use crate::service::views::SecretView;
use crate::store::{CachedFolder, Rendering, Reservation, Store, Unreadable};
use rusqlite::Connection;
use std::sync::Arc;

/// The secrets of a folder or subtree, with the listing memory reserved for them.
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

    /// The native API's body, `{"secrets", "unreadable"?}`.
    pub fn native_json(&self) -> Result<String, serde_json::Error> {
        match self.sharing {
            Sharing::Kept => self.folder.json().map(str::to_owned),
            Sharing::Own => self.folder.native_body(),
        }
    }

    /// The body `which`, made by `render`: kept with a folder the Store keeps (the next request
    /// copies it), made afresh for this request's own.
    pub fn rendered(
        &self,
        which: Rendering,
        render: impl FnOnce(&[SecretView]) -> Result<String, serde_json::Error>,
    ) -> Result<String, serde_json::Error> {
        match self.sharing {
            Sharing::Kept => self.folder.rendered(which, render).map(str::to_owned),
            Sharing::Own => render(self.folder.secrets()),
        }
    }

    /// Drops the secrets and keeps the reserved memory, for the body built from them to hold
    /// until it is sent.
    pub fn into_reservation(self) -> Reservation {
        self.reservation
    }
}

/// What a body adds per secret beyond its strings (field names, ids, times, IVs and tags).
const BODY_BYTES_PER_SECRET: usize = 1024;

/// Memory to reserve for a body rendered from `content` bytes of `secrets` decrypted secrets
/// (the encrypted shape's base64 is the largest, about 4/3 of the plaintext).
fn body_bytes(content: usize, secrets: usize) -> usize {
    content.saturating_mul(3) / 2 + secrets.saturating_mul(BODY_BYTES_PER_SECRET)
}

/// Memory to reserve for loading `used`: the ciphertexts read, the plaintexts, and the body.
fn load_bytes(used: Usage) -> usize {
    let sealed = usize::try_from(used.sealed_bytes).unwrap_or(usize::MAX);
    let secrets = usize::try_from(used.secrets).unwrap_or(usize::MAX);
    sealed.saturating_add(body_bytes(sealed, secrets))
}

/// Reserves room to serve `folder`, which is already decrypted.
pub(super) async fn reserve_for(store: &Store, folder: &CachedFolder) -> AppResult<Reservation> {
    let bytes = body_bytes(folder.content_bytes(), folder.secrets().len());
    store.reserve_listing(bytes).await
}

/// Reserves room to load what `measure` finds stored, before anything is read.
pub(super) async fn reserve_to_load(
    store: &Store,
    at: &Location,
    measure: fn(&Connection, &str, &str) -> DbResult<Usage>,
) -> AppResult<Reservation> {
    let owned = at.clone();
    let used = store
        .read(move |conn| -> AppResult<Usage> {
            let env = environment(conn, &owned.project_id, owned.environment.as_str())?;
            Ok(measure(conn, &env.id, owned.path.as_str())?)
        })
        .await?;
    store.reserve_listing(load_bytes(used)).await
}
