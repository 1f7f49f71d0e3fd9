//! A person's reads of values are recorded in the audit log: one secret as `secret.revealed`,
//! a folder's (or subtree's) values as `folder.exported` (a listing, a page that shows them, a
//! `.env` download). Recorded after the values were read and before they are answered, so a
//! read whose record cannot be written fails instead. Service tokens' reads are counted
//! (`store::usage`), not recorded: they are machine traffic, many a second.

use super::listing::{BodyWriter, Listing, Polled, Rendered};
use super::{read, Location};
use crate::auth::Caller;
use crate::db::DbError;
use crate::domain::{Depth, SecretKey};
use crate::error::AppResult;
use crate::service::views::SecretView;
use crate::service::Actor;
use crate::store::{Rendering, Stamp, Store, Touched};
use crate::time::now_millis;
use serde_json::{json, Value};

async fn record(
    store: &Store,
    access: &Caller,
    action: &'static str,
    at: &Location,
    detail: Value,
) -> AppResult<()> {
    if !matches!(access, Caller::Admin(_)) {
        return Ok(());
    }
    let (actor, project) = (Actor::of(access), at.project_id.clone());
    store
        .write(move |tx| {
            actor.record(tx, now_millis(), action, Some(&project), detail)?;
            Ok::<_, DbError>(((), Touched::nothing()))
        })
        .await?;
    Ok(())
}

fn exported(at: &Location, depth: Depth) -> Value {
    json!({
        "environment": at.environment.as_str(),
        "path": at.path.as_str(),
        "recursive": depth == Depth::Recursive,
    })
}

pub async fn get(
    store: &Store,
    access: &Caller,
    at: &Location,
    key: &SecretKey,
) -> AppResult<SecretView> {
    let secret = read::get(store, access, at, key).await?;
    let detail = json!({ "environment": at.environment.as_str(), "path": at.path.as_str(), "key": key.as_str() });
    record(store, access, "secret.revealed", at, detail).await?;
    Ok(secret)
}

pub async fn list_cached(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
) -> AppResult<Listing> {
    let listing = read::list_cached(store, access, at, depth).await?;
    let detail = exported(at, depth);
    record(store, access, "folder.exported", at, detail).await?;
    Ok(listing)
}

pub async fn list_rendered<W: BodyWriter>(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    which: Option<Rendering>,
    writer: W,
) -> AppResult<Rendered<W>> {
    let rendered = read::list_rendered(store, access, at, depth, which, writer).await?;
    record(store, access, "folder.exported", at, exported(at, depth)).await?;
    Ok(rendered)
}

pub async fn list_unless_held<W: BodyWriter>(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    holds: impl Fn(Stamp) -> bool,
    which: Option<Rendering>,
    writer: W,
) -> AppResult<Polled<W>> {
    let polled = read::list_unless_held(store, access, at, depth, holds, which, writer).await?;
    // An answer the caller already holds (304) shows nothing new.
    if matches!(polled, Polled::Changed(_)) {
        record(store, access, "folder.exported", at, exported(at, depth)).await?;
    }
    Ok(polled)
}
