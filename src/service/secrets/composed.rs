//! Reads that answer more than one folder's secrets as stored: references expanded, imports
//! included, or both. They read every folder they need through the caller's access (`reads`),
//! build their answer for this request only (no kept rendering: it depends on other folders),
//! and report the generation of every folder read, so the answer's ETag changes when any of
//! them does. Each is recorded for a person like a plain read (`revealed`), naming the other
//! folders it read; the answer is built before its ETag is compared, so, as for the Infisical
//! routes' plain listings, an answer then sent as a 304 is recorded too.

use super::expand::{expand, OnDenied, Reading};
use super::imported::{entries, ImportEntry};
use super::read::{listing, visible_to};
use super::reads::{FolderId, Reads};
use super::revealed::{record, Revealed};
use super::{missing_secret, Location};
use crate::auth::Caller;
use crate::domain::{Depth, SecretKey, SecretPath};
use crate::error::{AppError, AppResult};
use crate::service::views::SecretView;
use crate::store::{Reservation, Stamp, Store, Unreadable};

/// What a read adds to the stored secrets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    pub expand_references: bool,
    pub include_imports: bool,
}

impl Extras {
    pub fn any(self) -> bool {
        self.expand_references || self.include_imports
    }
}

pub struct Composed {
    pub secrets: Vec<SecretView>,
    pub unreadable: Vec<Unreadable>,
    /// Empty unless imports were asked for.
    pub imports: Vec<ImportEntry>,
    /// Of every folder read, the listed one included.
    pub generations: Vec<Stamp>,
    pub reservation: Reservation,
}

pub async fn list(
    store: &Store,
    caller: &Caller,
    at: &Location,
    depth: Depth,
    extras: Extras,
) -> AppResult<Composed> {
    let (folder, reservation) = listing(store, caller, at, depth).await?.into_parts();
    let mut secrets = folder.secrets().to_vec();
    let unreadable = folder.unreadable().to_vec();
    let mut reads = Reads::new(store, caller, &at.project_id);
    match depth {
        Depth::OneLevel => reads.seed(at.environment.as_str(), at.path.as_str(), folder),
        Depth::Recursive => reads.note_generation(folder.generation()),
    }
    if extras.expand_references {
        expand(&mut reads, &mut secrets, OnDenied::Refuse, Reading::List).await?;
    }
    let imports = match extras.include_imports {
        true => imports_of(&mut reads, store, caller, at, depth, extras).await?,
        false => Vec::new(),
    };
    let also = reads.found_elsewhere();
    record(store, caller, at, Revealed::Folder(depth), &also).await?;
    Ok(Composed {
        secrets,
        unreadable,
        imports,
        generations: reads.generations().to_vec(),
        reservation,
    })
}

/// One secret: the folder's own, else (with imports) the one of the last import that has it.
pub async fn get(
    store: &Store,
    caller: &Caller,
    at: &Location,
    key: &SecretKey,
    extras: Extras,
) -> AppResult<(SecretView, Vec<Stamp>)> {
    let (folder, _reservation) = listing(store, caller, at, Depth::OneLevel)
        .await?
        .into_parts();
    if folder.is_unreadable(key.as_str()) {
        return Err(AppError::Integrity(format!(
            "secret '{}' in project {} does not decrypt",
            key.as_str(),
            at.project_id
        )));
    }
    let local = folder.find(key.as_str()).cloned();
    let mut reads = Reads::new(store, caller, &at.project_id);
    reads.seed(at.environment.as_str(), at.path.as_str(), folder);
    // An imported secret expands as it does in the list's imports: what the caller may not
    // read stays literal there.
    let (mut secret, on_denied) = match local {
        Some(secret) => (secret, OnDenied::Refuse),
        None if extras.include_imports => {
            let only_imports = Extras {
                expand_references: false,
                include_imports: true,
            };
            let imports =
                imports_of(&mut reads, store, caller, at, Depth::OneLevel, only_imports).await?;
            let found = imports
                .iter()
                .rev()
                .find_map(|entry| entry.find(key.as_str()).cloned())
                .ok_or_else(|| missing_secret(key, at))?;
            (found, OnDenied::KeepLiteral)
        }
        None => return Err(missing_secret(key, at)),
    };
    if extras.expand_references {
        let one = std::slice::from_mut(&mut secret);
        expand(&mut reads, one, on_denied, Reading::One).await?;
    }
    let also = reads.found_elsewhere();
    record(store, caller, at, Revealed::Secret(key), &also).await?;
    Ok((secret, reads.generations().to_vec()))
}

/// The import entries of the listed folder (and, recursively, of every folder below it this
/// caller sees), their references expanded when asked (a reference the caller may not read
/// stays literal there, as in Infisical).
async fn imports_of(
    reads: &mut Reads<'_>,
    store: &Store,
    caller: &Caller,
    at: &Location,
    depth: Depth,
    extras: Extras,
) -> AppResult<Vec<ImportEntry>> {
    let graph = store.imports(&at.project_id).await?;
    if graph.is_empty() {
        return Ok(Vec::new());
    }
    let env = at.environment.as_str();
    let importers: Vec<FolderId> = match depth {
        Depth::OneLevel => vec![(env.to_owned(), at.path.as_str().to_owned())],
        Depth::Recursive => {
            let mut paths: Vec<&str> = graph
                .all()
                .iter()
                .filter(|r| r.environment == env && is_at_or_below(&r.path, &at.path))
                .filter(|r| visible_to(caller, at, &r.path))
                .map(|r| r.path.as_str())
                .collect();
            paths.dedup();
            paths
                .into_iter()
                .map(|p| (env.to_owned(), p.to_owned()))
                .collect()
        }
    };
    let mut found = entries(reads, &graph, &importers).await?;
    if extras.expand_references {
        for entry in &mut found {
            expand(
                reads,
                &mut entry.secrets,
                OnDenied::KeepLiteral,
                Reading::List,
            )
            .await?;
        }
    }
    Ok(found)
}

fn is_at_or_below(path: &str, folder: &SecretPath) -> bool {
    let folder = folder.as_str();
    folder == "/"
        || path == folder
        || (path.starts_with(folder) && path.as_bytes().get(folder.len()) == Some(&b'/'))
}
