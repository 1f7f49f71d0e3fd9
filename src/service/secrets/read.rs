//! Reading secrets: one folder, one secret, or a subtree, from the Store's cache when it holds them.
//! A listing reserves its memory first and one too large to keep is rendered row by row (see
//! `listing`). A row that does not decrypt is left out of a listing and named in its
//! `unreadable` part; a read of that one secret fails closed. The public reads record what a
//! person was shown (`revealed::record`); `listing` is the unrecorded read that composed answers
//! build on (they record once, for the whole answer).

use super::listing::{
    load_bytes, measure, reserve_for, BodyWriter, Listing, Polled, Rendered, Sharing,
};
use super::revealed::{record, Revealed};
use super::{large, missing_secret, require_folder, Location};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::db::secrets::{self, SecretRow};
use crate::db::usage::{self, Usage};
use crate::domain::{Depth, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::service::sealed_fields::{open_row, open_rows};
use crate::service::views::SecretView;
use crate::service::{authorize, authorize_listing, environment};
use crate::store::folders::{small_enough_to_keep, MAX_FOLDER_ROWS};
use crate::store::{
    folder_key, subtree_key, CachedFolder, ProjectKeys, Rendering, Reservation, Stamp, Store,
    Unreadable,
};
use rusqlite::Connection;
use std::sync::Arc;

/// A `get` that misses the folder cache decrypts the whole folder (to cache it) up to this
/// many secrets and sealed bytes; in a larger folder it reads and opens only the one secret.
const GET_CACHES_FOLDERS_UP_TO: u64 = 100;
const GET_CACHES_FOLDERS_OF_BYTES: u64 = 512 * 1024;

/// The secrets of a folder (or its subtree), decrypted, shared with the Store's cache rather
/// than copied (the admin UI's listing).
pub async fn list_cached(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Listing> {
    let listing = listing(store, access, at, depth).await?;
    record(store, access, at, Revealed::Folder(depth), &[]).await?;
    Ok(listing)
}

/// [`list_cached`] without the record: a part of an answer that records itself.
pub(super) async fn listing(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Listing> {
    authorize_for(store, access, at, depth)?;
    if let Some(hit) = cached(store, access, at, depth).await? {
        return Ok(hit);
    }
    let used = measure_at(store, at, depth).await?;
    load(store, access, at, depth, used).await
}

/// A listing's body as `writer` writes it (the API's listings). `which` names the rendering a
/// kept folder keeps, when the body is the same every time.
pub async fn list_rendered<W: BodyWriter>(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    which: Option<Rendering>,
    writer: W,
) -> AppResult<Rendered<W>> {
    match list_unless_held(store, access, at, depth, |_| false, which, writer).await? {
        Polled::Changed(rendered) => Ok(rendered),
        Polled::Held(_) => Err(AppError::internal("a listing no one holds was held")),
    }
}

/// [`list_rendered`] for a caller that may already hold the answer: `holds` says whether it
/// holds the one of a generation. When nothing was evicted since the caller's answer was loaded
/// (the Store's current stamp), or the cached folder is the one it holds, the answer is
/// [`Polled::Held`]: nothing is read, decrypted or reserved. Refusals come first, as for any read.
pub async fn list_unless_held<W: BodyWriter>(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    holds: impl Fn(Stamp) -> bool,
    which: Option<Rendering>,
    writer: W,
) -> AppResult<Polled<W>> {
    authorize_for(store, access, at, depth)?;
    let polled = render_unless_held(store, access, at, depth, holds, which, writer).await?;
    // An answer the caller already holds (304) shows nothing new.
    if matches!(polled, Polled::Changed(_)) {
        record(store, access, at, Revealed::Folder(depth), &[]).await?;
    }
    Ok(polled)
}

/// The body of an authorized listing, unless the caller holds its generation: from the Store's
/// cache, decrypted whole when small enough to keep, else row by row (`large`).
async fn render_unless_held<W: BodyWriter>(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    holds: impl Fn(Stamp) -> bool,
    which: Option<Rendering>,
    mut writer: W,
) -> AppResult<Polled<W>> {
    let now = store.stamp();
    if holds(now) {
        return Ok(Polled::Held(now));
    }
    let hit = store.cached_folder(&cache_key(at, depth));
    if let Some(generation) = hit.as_ref().map(|hit| hit.generation()) {
        if holds(generation) {
            return Ok(Polled::Held(generation));
        }
    }
    writer.keys(&store.project_keys(&at.project_id).await?);
    if let Some(hit) = hit {
        let listing = serve_cached(store, access, at, depth, hit).await?;
        return listing.render(which, writer).map(Polled::Changed);
    }
    let used = measure_at(store, at, depth).await?;
    let rendered = if small_enough_to_keep(used.secrets, used.sealed_bytes) {
        load(store, access, at, depth, used)
            .await?
            .render(which, writer)?
    } else {
        large::render(store, access, at, depth, used, writer).await?
    };
    Ok(match holds(rendered.generation) {
        true => Polled::Held(rendered.generation),
        false => Polled::Changed(rendered),
    })
}

fn authorize_for(store: &Store, access: &Caller, at: &Location, depth: Depth) -> AppResult<()> {
    match depth {
        Depth::OneLevel => authorize(store, access, Op::Read, at),
        Depth::Recursive => authorize_listing(store, access, at).map(drop),
    }
}

fn cache_key(at: &Location, depth: Depth) -> String {
    let (project, env, path) = (&at.project_id, at.environment.as_str(), at.path.as_str());
    match depth {
        Depth::OneLevel => folder_key(project, env, path),
        Depth::Recursive => subtree_key(project, env, path),
    }
}

/// The listing from the Store's cache, with room reserved for its body.
async fn cached(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Option<Listing>> {
    let Some(hit) = store.cached_folder(&cache_key(at, depth)) else {
        return Ok(None);
    };
    serve_cached(store, access, at, depth, hit).await.map(Some)
}

/// `hit`, the Store's decrypted copy, as this caller's listing, with room reserved for its body.
async fn serve_cached(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    hit: Arc<CachedFolder>,
) -> AppResult<Listing> {
    let reservation = reserve_for(store, &hit).await?;
    Ok(match depth {
        Depth::OneLevel => Listing::new(hit, Sharing::Kept, reservation),
        Depth::Recursive => visible_part(access, at, hit, reservation),
    })
}

async fn measure_at(store: &Store, at: &Location, depth: Depth) -> AppResult<Usage> {
    match depth {
        Depth::OneLevel => measure(store, at, usage::in_folder).await,
        Depth::Recursive => measure(store, at, usage::in_subtree).await,
    }
}

/// Reads and decrypts the listing (`used` measured it), keeping it when it fits. The stamp is
/// taken before the rows are read, so a write that commits meanwhile keeps this load out.
async fn load(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    used: Usage,
) -> AppResult<Listing> {
    let reservation = store.reserve_listing(load_bytes(used)).await?;
    let keys = store.project_keys(&at.project_id).await?;
    let stamp = store.stamp();
    let key = cache_key(at, depth);
    if depth == Depth::OneLevel {
        let owned = at.clone();
        let loaded = store
            .read(move |conn| open_folder(conn, &keys, &owned, stamp))
            .await?;
        let folder = Arc::new(loaded);
        let sharing = match store.keep_folder(key, folder.clone(), stamp) {
            true => Sharing::Kept,
            false => Sharing::Own,
        };
        return Ok(Listing::new(folder, sharing, reservation));
    }
    let (owned, caller) = (at.clone(), access.clone());
    let loaded = store
        .read(move |conn| -> AppResult<SubtreeLoad> {
            let at = owned;
            let env = environment(conn, &at.project_id, at.environment.as_str())?;
            let rows = secrets::list_in_subtree(conn, &env.id, at.path.as_str())?;
            require_folder(conn, &at, &env, rows.is_empty())?;
            let (project, environment) = (at.project_id.as_str(), at.environment.as_str());
            // A subtree too large to keep is decrypted only as far as this caller may see: a
            // narrow token listing from `/` must not make the server open every row.
            if rows.len() <= MAX_FOLDER_ROWS {
                let (secrets, unreadable) = open_rows(&keys, project, environment, rows);
                return Ok(SubtreeLoad::Whole(CachedFolder::opened(
                    secrets, unreadable, stamp,
                )));
            }
            let part: Vec<SecretRow> = rows
                .into_iter()
                .filter(|row| visible_to(&caller, &at, &row.path))
                .collect();
            let (secrets, unreadable) = open_rows(&keys, project, environment, part);
            Ok(SubtreeLoad::CallersPart(CachedFolder::opened(
                secrets, unreadable, stamp,
            )))
        })
        .await?;
    match loaded {
        SubtreeLoad::Whole(whole) => {
            let whole = Arc::new(whole);
            store.keep_folder(key, whole.clone(), stamp);
            Ok(visible_part(access, at, whole, reservation))
        }
        SubtreeLoad::CallersPart(part) => {
            Ok(Listing::new(Arc::new(part), Sharing::Own, reservation))
        }
    }
}

/// A subtree as read: all of it decrypted, or (when too large to keep) only the caller's part.
enum SubtreeLoad {
    Whole(CachedFolder),
    CallersPart(CachedFolder),
}

/// Whether a secret in folder `path` of the listed subtree is visible to the caller: an admin sees
/// all of it, a token only what lies in its scopes.
pub(super) fn visible_to(access: &Caller, at: &Location, path: &str) -> bool {
    access.token().is_none()
        || SecretPath::parse(path).is_ok_and(|p| access.in_scope(at.environment.as_str(), &p))
}

/// The caller's part of a whole subtree: shared as it is when the caller sees all of it.
fn visible_part(
    access: &Caller,
    at: &Location,
    whole: Arc<CachedFolder>,
    reservation: Reservation,
) -> Listing {
    let secrets: Vec<SecretView> = whole
        .secrets()
        .iter()
        .filter(|s| visible_to(access, at, &s.path))
        .cloned()
        .collect();
    let unreadable: Vec<Unreadable> = whole
        .unreadable()
        .iter()
        .filter(|u| visible_to(access, at, &u.path))
        .cloned()
        .collect();
    if secrets.len() == whole.secrets().len() && unreadable.len() == whole.unreadable().len() {
        return Listing::new(whole, Sharing::Kept, reservation);
    }
    let part = CachedFolder::opened(secrets, unreadable, whole.generation());
    Listing::new(Arc::new(part), Sharing::Own, reservation)
}

/// Decrypts every row of the folder that opens.
fn open_folder(
    conn: &Connection,
    keys: &ProjectKeys,
    at: &Location,
    stamp: Stamp,
) -> AppResult<CachedFolder> {
    let env = environment(conn, &at.project_id, at.environment.as_str())?;
    let rows = secrets::list_in_folder(conn, &env.id, at.path.as_str())?;
    require_folder(conn, at, &env, rows.is_empty())?;
    let (secrets, unreadable) = open_rows(keys, &at.project_id, at.environment.as_str(), rows);
    Ok(CachedFolder::opened(secrets, unreadable, stamp))
}

/// The secret `key` of a decrypted folder: its view, a closed failure if it is stored but did
/// not decrypt, or a 404.
fn find_in(folder: &CachedFolder, at: &Location, key: &SecretKey) -> AppResult<SecretView> {
    if let Some(found) = folder.find(key.as_str()) {
        return Ok(found.clone());
    }
    if folder.is_unreadable(key.as_str()) {
        return Err(AppError::Integrity(format!(
            "secret '{}' in project {} does not decrypt",
            key.as_str(),
            at.project_id
        )));
    }
    Err(missing_secret(key, at))
}

pub async fn get(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
) -> AppResult<SecretView> {
    let secret = find(store, access, at, key).await?;
    record(store, access, at, Revealed::Secret(key), &[]).await?;
    Ok(secret)
}

/// The one secret, from the folder's cache or the database.
async fn find(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
) -> AppResult<SecretView> {
    authorize(store, access, Op::Read, at)?;
    let cache_key = folder_key(&at.project_id, at.environment.as_str(), at.path.as_str());
    if let Some(folder) = store.cached_folder(&cache_key) {
        return find_in(&folder, at, key);
    }
    let stamp = store.stamp();
    let keys = store.project_keys(&at.project_id).await?;
    let (owned, owned_key) = (at.clone(), key.clone());
    let loaded = store
        .read(move |conn| -> AppResult<GetLoad> {
            let (at, key) = (owned, owned_key);
            let env = environment(conn, &at.project_id, at.environment.as_str())?;
            let (project, environment) = (at.project_id.as_str(), at.environment.as_str());
            // A small folder is decrypted whole (a damaged row set aside), so the next reads of
            // it cost no SQL; in a large one only the secret asked for is read and decrypted.
            let used = usage::in_folder(conn, &env.id, at.path.as_str())?;
            if used.secrets <= GET_CACHES_FOLDERS_UP_TO
                && used.sealed_bytes <= GET_CACHES_FOLDERS_OF_BYTES
            {
                let rows = secrets::list_in_folder(conn, &env.id, at.path.as_str())?;
                require_folder(conn, &at, &env, rows.is_empty())?;
                let (secrets, unreadable) = open_rows(&keys, project, environment, rows);
                let folder = CachedFolder::opened(secrets, unreadable, stamp);
                return Ok(GetLoad::Folder(folder));
            }
            let row = secrets::find(conn, &env.id, at.path.as_str(), key.as_str())?;
            let one = row.map(|row| open_row(&keys, project, environment, &row));
            Ok(GetLoad::One(one.transpose()?))
        })
        .await?;
    match loaded {
        GetLoad::Folder(folder) => {
            let folder = Arc::new(folder);
            store.keep_folder(cache_key, folder.clone(), stamp);
            find_in(&folder, at, key)
        }
        GetLoad::One(found) => found.ok_or_else(|| missing_secret(key, at)),
    }
}

/// What a `get` read: the whole (small) folder, or the one secret.
enum GetLoad {
    Folder(CachedFolder),
    One(Option<SecretView>),
}
