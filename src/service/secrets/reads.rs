//! The folders one answer reads beyond the folder it lists: reference targets and import sources.
//! Each is read at most once per request, and only through the caller's read access, checked
//! before anything is looked up, so a folder the caller may not read is `Denied` whether or not
//! it exists. The generation of every folder read (or, for one found missing, the Store's stamp
//! when it was looked for) goes into the answer's ETag, so a change to any of them is a new
//! answer.

use super::{read, Location};
use crate::auth::access::Op;
use crate::auth::Caller;
use crate::domain::{Depth, EnvSlug, SecretPath};
use crate::error::{AppError, AppResult};
use crate::service::authorize;
use crate::store::{CachedFolder, Reservation, Stamp, Store};
use std::collections::HashMap;
use std::sync::Arc;

/// At most this many folders per answer: what one request can make the server decrypt.
pub const MAX_FOLDERS_READ: usize = 64;

/// A folder as this caller found it.
pub enum Slot {
    Denied,
    Missing,
    /// Its secrets, and the listing memory held for them while the answer is built (none for
    /// the listed folder, whose listing holds its own).
    Found {
        folder: Arc<CachedFolder>,
        _held: Option<Reservation>,
    },
}

/// (environment slug, path) within the answer's project.
pub type FolderId = (String, String);

pub struct Reads<'a> {
    store: &'a Store,
    caller: &'a Caller,
    project_id: String,
    /// The listed folder, when the answer lists one folder.
    seeded: Option<FolderId>,
    slots: HashMap<FolderId, Slot>,
    generations: Vec<Stamp>,
}

impl<'a> Reads<'a> {
    pub fn new(store: &'a Store, caller: &'a Caller, project_id: &str) -> Self {
        Self {
            store,
            caller,
            project_id: project_id.to_owned(),
            seeded: None,
            slots: HashMap::new(),
            generations: Vec::new(),
        }
    }

    /// The listed folder, already authorized and read, so it is not read again.
    pub fn seed(&mut self, environment: &str, path: &str, folder: Arc<CachedFolder>) {
        self.generations.push(folder.generation());
        let id = (environment.to_owned(), path.to_owned());
        self.seeded = Some(id.clone());
        self.slots.insert(
            id,
            Slot::Found {
                folder,
                _held: None,
            },
        );
    }

    /// Notes a generation read outside these slots (a recursive listing's).
    pub fn note_generation(&mut self, generation: Stamp) {
        self.generations.push(generation);
    }

    /// The folder if it was read already.
    pub fn slot(&self, id: &FolderId) -> Option<&Slot> {
        self.slots.get(id)
    }

    /// Reads the folder (access first) unless it was read already.
    pub async fn read(&mut self, id: &FolderId) -> AppResult<&Slot> {
        if !self.slots.contains_key(id) {
            let slot = self.load(id).await?;
            self.slots.insert(id.clone(), slot);
        }
        self.slots
            .get(id)
            .ok_or_else(|| AppError::internal("a folder just read is gone"))
    }

    async fn load(&mut self, (environment, path): &FolderId) -> AppResult<Slot> {
        if self.slots.len() >= MAX_FOLDERS_READ {
            return Err(AppError::validation(
                "secretPath",
                format!(
                    "the references and imports of this answer reach more than {MAX_FOLDERS_READ} folders"
                ),
            ));
        }
        let (Ok(environment), Ok(path)) = (EnvSlug::parse(environment), SecretPath::parse(path))
        else {
            return Ok(Slot::Missing);
        };
        let at = Location {
            project_id: self.project_id.clone(),
            environment,
            path,
        };
        if authorize(self.store, self.caller, Op::Read, &at).is_err() {
            return Ok(Slot::Denied);
        }
        let stamp = self.store.stamp();
        match read::listing(self.store, self.caller, &at, Depth::OneLevel).await {
            Ok(listing) => {
                self.generations.push(listing.generation());
                let (folder, reservation) = listing.into_parts();
                Ok(Slot::Found {
                    folder,
                    _held: Some(reservation),
                })
            }
            Err(AppError::NotFound(_)) => {
                self.generations.push(stamp);
                Ok(Slot::Missing)
            }
            Err(other) => Err(other),
        }
    }

    /// The folders read besides the listed one whose secrets the caller could read, in order:
    /// what the answer may hold of other folders (for the audit record).
    pub fn found_elsewhere(&self) -> Vec<FolderId> {
        let mut found: Vec<FolderId> = self
            .slots
            .iter()
            .filter(|(id, slot)| {
                matches!(slot, Slot::Found { .. }) && Some(*id) != self.seeded.as_ref()
            })
            .map(|(id, _)| id.clone())
            .collect();
        found.sort();
        found
    }

    /// Every generation this answer depends on.
    pub fn generations(&self) -> &[Stamp] {
        &self.generations
    }
}
