//! Project keys: sealed by the root key in the database, unsealed on first use and kept in memory
//! until the project is deleted (or another program changes the file).
//!
//! Each project has a wire key (32 lowercase hex characters, Infisical's project key, which a
//! token's key part unwraps) and a separate data key for values at rest, so a token's key part
//! plus a copy of the database cannot decrypt stored secrets.

use super::eviction::Eviction;
use super::evictions::{Evictions, Stamp};
use crate::crypto::envelope::Sealer;
use crate::crypto::{random, CryptoError, Key32};
use crate::db::projects::SealedKeys;
use crate::db::{meta, Db};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use zeroize::Zeroizing;

const MAX_CACHED_PROJECTS: usize = 4_096;
const ROOT_CHECK_PLAINTEXT: &[u8] = b"envkeep root key check v1";
const ROOT_CHECK_AAD: &[u8] = b"envkeep:root-key-check";

pub struct ProjectKeys {
    pub wire_hex: Zeroizing<String>,
    pub data: Sealer,
}

pub(super) struct Keyring {
    root: Sealer,
    cache: RwLock<HashMap<String, Arc<ProjectKeys>>>,
}

fn wire_aad(project_id: &str) -> Vec<u8> {
    format!("envkeep:project-wire-key:{project_id}").into_bytes()
}

fn data_aad(project_id: &str) -> Vec<u8> {
    format!("envkeep:project-data-key:{project_id}").into_bytes()
}

impl Keyring {
    pub(super) fn new(root: Key32) -> Self {
        Self {
            root: root.cipher(),
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// Fresh keys for a new project, and their sealed form for the store.
    pub fn new_project_keys(&self, project_id: &str) -> SealedKeys {
        let wire = Zeroizing::new(random::hex16());
        let data = Key32::generate();
        SealedKeys {
            wire: self.root.seal(wire.as_bytes(), &wire_aad(project_id)),
            data: self.root.seal(data.as_bytes(), &data_aad(project_id)),
        }
    }

    pub(super) fn unseal(
        &self,
        project_id: &str,
        sealed: &SealedKeys,
    ) -> Result<ProjectKeys, CryptoError> {
        unseal_project_keys(&self.root, project_id, sealed)
    }

    pub(super) fn get(&self, project_id: &str) -> Option<Arc<ProjectKeys>> {
        self.cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(project_id)
            .cloned()
    }

    /// Keeps `keys`, unsealed after `stamp` was taken, unless the project changed since.
    pub(super) fn insert(
        &self,
        project_id: &str,
        keys: Arc<ProjectKeys>,
        stamp: Stamp,
        evictions: &Evictions,
    ) {
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        if !evictions.none_since(stamp, |e| e.covers_keys(project_id)) {
            return;
        }
        if cache.len() >= MAX_CACHED_PROJECTS {
            cache.clear();
        }
        cache.insert(project_id.to_owned(), keys);
    }

    pub(super) fn evict(&self, eviction: &Eviction) {
        if !eviction.everything && eviction.projects.is_empty() {
            return;
        }
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        if eviction.everything {
            cache.clear();
        }
        for project in &eviction.projects {
            cache.remove(project);
        }
    }

    /// Checks the root key against the sealed check value, writing one on first start (a
    /// replica only reads it: the primary wrote it when it first started).
    pub(super) fn verify_root_key(&self, db: &Db) -> Result<(), String> {
        if db.is_replica() {
            return match db.read_blocking(|conn| meta::get(conn, meta::ROOT_KEY_CHECK)) {
                Ok(Some(sealed)) if opens_root_key_check(&self.root, &sealed) => Ok(()),
                Ok(Some(_)) => Err(String::from(
                    "the root key does not match the replica's database: set ENVKEEP_ROOT_KEY (or <data-dir>/root.key) to the primary's key",
                )),
                Ok(None) => Err(String::from(
                    "the replica's database has no root-key check yet: start the primary once before its replicas",
                )),
                Err(e) => Err(e.to_string()),
            };
        }
        db.write_blocking(|tx| -> Result<bool, crate::db::DbError> {
            match meta::get(tx, meta::ROOT_KEY_CHECK)? {
                Some(sealed) => Ok(opens_root_key_check(&self.root, &sealed)),
                None => {
                    let sealed = self.root.seal(ROOT_CHECK_PLAINTEXT, ROOT_CHECK_AAD);
                    meta::set(tx, meta::ROOT_KEY_CHECK, &sealed)?;
                    Ok(true)
                }
            }
        })
        .map_err(|e| e.to_string())
        .and_then(|ok| {
            ok.then_some(()).ok_or_else(|| {
                String::from(
                    "the root key does not match this database: it was sealed with another key. \
                     Set ENVKEEP_ROOT_KEY (or restore <data-dir>/root.key) to the key this database was created with",
                )
            })
        })
    }
}

/// Whether `root` opens the sealed root-key check value (also for `envkeep check`, offline).
pub fn opens_root_key_check(root: &Sealer, sealed: &[u8]) -> bool {
    root.open(sealed, ROOT_CHECK_AAD).is_ok()
}

/// A project's keys, unsealed with the root key (also for `envkeep check`, offline).
pub fn unseal_project_keys(
    root: &Sealer,
    project_id: &str,
    sealed: &SealedKeys,
) -> Result<ProjectKeys, CryptoError> {
    let wire = Zeroizing::new(root.open(&sealed.wire, &wire_aad(project_id))?);
    let data = Zeroizing::new(root.open(&sealed.data, &data_aad(project_id))?);
    let wire_hex =
        String::from_utf8(wire.to_vec()).map_err(|_| CryptoError::Malformed("wire key"))?;
    Ok(ProjectKeys {
        wire_hex: Zeroizing::new(wire_hex),
        data: Key32::try_from_slice(&data)?.cipher(),
    })
}

/// Associated data binding a secret's value or comment to its row by immutable identifiers.
pub fn secret_aad(project_id: &str, env_id: &str, path: &str, key: &str, field: &str) -> Vec<u8> {
    format!("envkeep:secret:v1\u{0}{project_id}\u{0}{env_id}\u{0}{path}\u{0}{key}\u{0}{field}")
        .into_bytes()
}
