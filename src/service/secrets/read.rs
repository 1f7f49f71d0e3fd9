//! Reading secrets: one folder, one secret, or a subtree, from the Store's cache when it holds them.

use super::{missing_secret, require_folder, Location};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::db::secrets::{self, SecretRow};
use crate::domain::{Depth, SecretKey, SecretPath};
use crate::error::AppResult;
use crate::service::sealed_fields::open_row;
use crate::service::views::SecretView;
use crate::service::{authorize, authorize_listing, environment};
use crate::store::folders::MAX_FOLDER_ROWS;
use crate::store::{folder_key, subtree_key, CachedFolder, ProjectKeys, Stamp, Store};
use rusqlite::Connection;
use std::sync::Arc;

/// A `get` that misses the folder cache decrypts the whole folder (to cache it) up to this size.
const GET_CACHES_FOLDERS_UP_TO: usize = 100;

/// A listing: one shared with other requests (a folder, or a whole subtree, from the Store's
/// cache), or the part of a subtree this caller's scopes allow, with the generation of the
/// whole it was cut from.
pub enum Listing {
    Folder(Arc<CachedFolder>),
    Subtree(Vec<SecretView>, Stamp),
}

impl Listing {
    pub fn secrets(&self) -> &[SecretView] {
        match self {
            Listing::Folder(folder) => folder.secrets(),
            Listing::Subtree(secrets, _) => secrets,
        }
    }

    /// Changes whenever a write may have changed what is listed (see [`Stamp`]).
    pub fn generation(&self) -> Stamp {
        match self {
            Listing::Folder(folder) => folder.generation(),
            Listing::Subtree(_, generation) => *generation,
        }
    }
}

/// A listing, or the generation the caller already holds.
pub enum Polled {
    Held(Stamp),
    Changed(Listing),
}

/// [`list_cached`] for a caller that may already hold the answer: `holds` says whether it holds
/// the one of a generation. When nothing was evicted since the caller's answer was loaded
/// (the Store's current stamp), or the cached folder is the one it holds, the answer is
/// [`Polled::Held`] and nothing is read or decrypted. Refusals come first, as for any read.
pub async fn list_unless_held(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    holds: impl Fn(Stamp) -> bool,
) -> AppResult<Polled> {
    authorize_list(store, access, at, depth)?;
    let now = store.stamp();
    if holds(now) {
        return Ok(Polled::Held(now));
    }
    let listing = list_authorized(store, access, at, depth).await?;
    let generation = listing.generation();
    Ok(if holds(generation) {
        Polled::Held(generation)
    } else {
        Polled::Changed(listing)
    })
}

/// The secrets of a folder (or its subtree), shared with the Store's cache rather than copied:
/// what every read path serialises from.
pub async fn list_cached(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Listing> {
    authorize_list(store, access, at, depth)?;
    list_authorized(store, access, at, depth).await
}

/// A folder needs read access to it; a subtree, read access to some part of it.
fn authorize_list(store: &Store, access: &Caller, at: &Location, depth: Depth) -> AppResult<()> {
    match depth {
        Depth::OneLevel => authorize(store, access, Op::Read, at),
        Depth::Recursive => authorize_listing(store, access, at).map(drop),
    }
}

/// [`list_cached`] after [`authorize_list`].
async fn list_authorized(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Listing> {
    if depth == Depth::OneLevel {
        return Ok(Listing::Folder(folder(store, at).await?));
    }
    let key = subtree_key(&at.project_id, at.environment.as_str(), at.path.as_str());
    if let Some(whole) = store.cached_folder(&key) {
        return Ok(visible_part(access, at, whole));
    }
    let stamp = store.stamp();
    let keys = store.project_keys(&at.project_id).await?;
    let (owned, caller) = (at.clone(), access.clone());
    let loaded = store
        .read(move |conn| -> AppResult<SubtreeLoad> {
            let at = owned;
            let env = environment(conn, &at.project_id, at.environment.as_str())?;
            let rows = secrets::list_in_subtree(conn, &env.id, at.path.as_str())?;
            require_folder(conn, &at, &env, rows.is_empty())?;
            let open =
                |row: &SecretRow| open_row(&keys, &at.project_id, at.environment.as_str(), row);
            // A subtree too large to keep is decrypted only as far as this caller may see: a
            // narrow token listing from `/` must not make the server open every row.
            if rows.len() <= MAX_FOLDER_ROWS {
                if let Ok(whole) = rows.iter().map(open).collect::<AppResult<Vec<_>>>() {
                    return Ok(SubtreeLoad::Whole(whole));
                }
            }
            // Otherwise (too large, or a row that does not open, which must fail only callers who
            // may see it): decrypt just the caller's part, and keep nothing.
            rows.iter()
                .filter(|row| visible_to(&caller, &at, &row.path))
                .map(open)
                .collect::<AppResult<_>>()
                .map(SubtreeLoad::CallersPart)
        })
        .await?;
    match loaded {
        SubtreeLoad::Whole(secrets) => {
            let whole = Arc::new(CachedFolder::new(secrets, stamp));
            store.keep_folder(key, whole.clone(), stamp);
            Ok(visible_part(access, at, whole))
        }
        SubtreeLoad::CallersPart(secrets) => Ok(Listing::Subtree(secrets, stamp)),
    }
}

/// A subtree as read: all of it decrypted, or (when some row does not open) only the caller's part.
enum SubtreeLoad {
    Whole(Vec<SecretView>),
    CallersPart(Vec<SecretView>),
}

/// Whether a secret in folder `path` of the listed subtree is visible to the caller: an admin sees
/// all of it, a token only what lies in its scopes.
fn visible_to(access: &Caller, at: &Location, path: &str) -> bool {
    access.token().is_none()
        || SecretPath::parse(path).is_ok_and(|p| access.in_scope(at.environment.as_str(), &p))
}

/// The caller's part of a whole subtree: shared as it is when the caller sees all of it.
fn visible_part(access: &Caller, at: &Location, whole: Arc<CachedFolder>) -> Listing {
    let visible: Vec<&SecretView> = whole
        .secrets()
        .iter()
        .filter(|s| visible_to(access, at, &s.path))
        .collect();
    if visible.len() == whole.secrets().len() {
        return Listing::Folder(whole);
    }
    Listing::Subtree(visible.into_iter().cloned().collect(), whole.generation())
}

/// Decrypts every row of the folder.
fn open_folder(conn: &Connection, keys: &ProjectKeys, at: &Location) -> AppResult<Vec<SecretView>> {
    let env = environment(conn, &at.project_id, at.environment.as_str())?;
    let rows = secrets::list_in_folder(conn, &env.id, at.path.as_str())?;
    require_folder(conn, at, &env, rows.is_empty())?;
    rows.iter()
        .map(|row| open_row(keys, &at.project_id, at.environment.as_str(), row))
        .collect()
}

/// The folder's secrets: from the Store's cache, or read, decrypted and kept. The stamp is
/// taken before the rows are read, so a write that commits meanwhile keeps this load out.
async fn folder(store: &Store, at: &Location) -> AppResult<Arc<CachedFolder>> {
    let cache_key = folder_key(&at.project_id, at.environment.as_str(), at.path.as_str());
    if let Some(hit) = store.cached_folder(&cache_key) {
        return Ok(hit);
    }
    let stamp = store.stamp();
    let keys = store.project_keys(&at.project_id).await?;
    let owned = at.clone();
    let secrets = store
        .read(move |conn| open_folder(conn, &keys, &owned))
        .await?;
    let folder = Arc::new(CachedFolder::new(secrets, stamp));
    store.keep_folder(cache_key, folder.clone(), stamp);
    Ok(folder)
}

pub async fn get(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
) -> AppResult<SecretView> {
    authorize(store, access, Op::Read, at)?;
    let cache_key = folder_key(&at.project_id, at.environment.as_str(), at.path.as_str());
    if let Some(folder) = store.cached_folder(&cache_key) {
        return folder
            .find(key.as_str())
            .cloned()
            .ok_or_else(|| missing_secret(key, at));
    }
    let stamp = store.stamp();
    let keys = store.project_keys(&at.project_id).await?;
    let (owned, owned_key) = (at.clone(), key.clone());
    let (found, whole) = store
        .read(
            move |conn| -> AppResult<(Option<SecretView>, Option<Vec<SecretView>>)> {
                let (at, key) = (owned, owned_key);
                let env = environment(conn, &at.project_id, at.environment.as_str())?;
                let limit = GET_CACHES_FOLDERS_UP_TO + 1;
                let rows = secrets::list_in_folder_up_to(conn, &env.id, at.path.as_str(), limit)?;
                require_folder(conn, &at, &env, rows.is_empty())?;
                let open =
                    |row: &SecretRow| open_row(&keys, &at.project_id, at.environment.as_str(), row);
                // A small folder is decrypted whole, so the next reads of it cost no SQL. In a
                // large one, or one where another row fails to open, only the secret asked for
                // is decrypted: a damaged neighbour must not fail this read.
                if rows.len() <= GET_CACHES_FOLDERS_UP_TO {
                    if let Ok(secrets) = rows.iter().map(open).collect::<AppResult<Vec<_>>>() {
                        let found = secrets.iter().find(|s| s.key == key.as_str()).cloned();
                        return Ok((found, Some(secrets)));
                    }
                    let row = rows.iter().find(|r| r.key == key.as_str());
                    return Ok((row.map(open).transpose()?, None));
                }
                let row = secrets::find(conn, &env.id, at.path.as_str(), key.as_str())?;
                Ok((row.as_ref().map(open).transpose()?, None))
            },
        )
        .await?;
    if let Some(secrets) = whole {
        store.keep_folder(
            cache_key,
            Arc::new(CachedFolder::new(secrets, stamp)),
            stamp,
        );
    }
    found.ok_or_else(|| missing_secret(key, at))
}
