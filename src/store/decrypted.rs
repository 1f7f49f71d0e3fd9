//! One decrypted folder (or recursive listing) as the Store keeps it: the secrets, in the order
//! the database returns them, the secrets that did not decrypt, and the response bodies rendered
//! from them on first use.

use super::evictions::Stamp;
use serde::Serialize;
use std::sync::OnceLock;
use zeroize::Zeroize;

/// One decrypted secret as the native API shows it (camelCase, RFC 3339 times).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretView {
    pub id: String,
    pub key: String,
    pub value: String,
    pub comment: String,
    pub version: i64,
    pub environment: String,
    pub path: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A stored secret whose ciphertext does not open (damaged, or changed outside Envkeep).
/// Listings leave it out and name it, so one damaged row fails no one else's read; a read of
/// that secret itself still fails closed. It is kept with its folder, so a cached folder keeps
/// refusing it instead of calling it missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    pub key: String,
    pub path: String,
    pub reason: String,
}

/// `{"secrets": [...], "unreadable": [...]}` (the second only when some secret did not decrypt),
/// serialised straight from borrowed views (`json!` would first copy every string into a `Value`
/// tree).
#[derive(Debug, Serialize)]
pub struct SecretList<'a> {
    pub secrets: &'a [SecretView],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub unreadable: &'a [Unreadable],
}

/// The response bodies a folder listing is served as; each is rendered on first use and kept
/// with the folder (escaping the same strings into JSON on every request was a tenth of a
/// read's CPU). The routes render the bodies; this names the slots
/// and drops them with the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// The native API's `{"secrets": [...]}`.
    Native,
    /// Infisical's `/api/v3/secrets/raw` listing, values shown.
    InfisicalRaw,
    /// The same with values hidden (`viewSecretValue=false`).
    InfisicalRawHidden,
}

const RENDERINGS: usize = 3;

/// One folder's secrets, ordered by key as the store returns them, those that did not decrypt,
/// and their renderings.
pub struct CachedFolder {
    pub(super) secrets: Vec<SecretView>,
    unreadable: Vec<Unreadable>,
    /// The stamp taken before the rows were read: the folder's generation (see [`Stamp`]).
    generation: Stamp,
    renderings: [OnceLock<String>; RENDERINGS],
    /// Views plus room for their renderings (each about one to two times their size).
    pub(super) bytes: usize,
}

impl CachedFolder {
    /// The secrets read after `generation` was stamped, all of which opened.
    pub fn new(secrets: Vec<SecretView>, generation: Stamp) -> Self {
        Self::opened(secrets, Vec::new(), generation)
    }

    /// A folder as decrypted after `generation` was stamped: the secrets that opened and those
    /// that did not.
    pub fn opened(
        secrets: Vec<SecretView>,
        unreadable: Vec<Unreadable>,
        generation: Stamp,
    ) -> Self {
        let bytes = 5 * secrets.iter().map(approximate_size).sum::<usize>();
        Self {
            secrets,
            unreadable,
            generation,
            renderings: Default::default(),
            bytes,
        }
    }

    pub fn secrets(&self) -> &[SecretView] {
        &self.secrets
    }

    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// About how many bytes the decrypted secrets take (what a body rendered from them grows with).
    pub fn content_bytes(&self) -> usize {
        self.bytes / 5
    }

    /// Changes whenever a write may have changed these secrets (an ETag's input).
    pub fn generation(&self) -> Stamp {
        self.generation
    }

    /// The body `which`, made by `render` the first time it is asked for.
    pub fn rendered(
        &self,
        which: Rendering,
        render: impl FnOnce(&[SecretView]) -> Result<String, serde_json::Error>,
    ) -> Result<&str, serde_json::Error> {
        let slot = &self.renderings[which as usize];
        if let Some(done) = slot.get() {
            return Ok(done);
        }
        let text = render(&self.secrets)?;
        Ok(slot.get_or_init(|| text))
    }

    /// The native API's `{"secrets": [...], "unreadable"?: [...]}` body, kept.
    pub fn json(&self) -> Result<&str, serde_json::Error> {
        self.rendered(Rendering::Native, |secrets| {
            serde_json::to_string(&SecretList {
                secrets,
                unreadable: &self.unreadable,
            })
        })
    }

    /// The secret named `key` (binary search: keys are unique and sorted bytewise).
    pub fn find(&self, key: &str) -> Option<&SecretView> {
        self.secrets
            .binary_search_by(|s| s.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.secrets[i])
    }

    /// Whether the secret named `key` is stored but did not decrypt.
    pub fn is_unreadable(&self, key: &str) -> bool {
        self.unreadable.iter().any(|u| u.key == key)
    }
}

impl Drop for CachedFolder {
    fn drop(&mut self) {
        for rendering in &mut self.renderings {
            if let Some(text) = rendering.get_mut() {
                text.zeroize();
            }
        }
        for secret in &mut self.secrets {
            secret.value.zeroize();
            secret.comment.zeroize();
        }
    }
}

fn approximate_size(s: &SecretView) -> usize {
    const STRING_HEADERS: usize = 8 * std::mem::size_of::<String>();
    STRING_HEADERS
        + s.id.len()
        + s.key.len()
        + s.value.len()
        + s.comment.len()
        + s.environment.len()
        + s.path.len()
        + s.created_at.len()
        + s.updated_at.len()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::sync::Arc;

    pub(in crate::store) fn view(key: &str, value: &str) -> SecretView {
        SecretView {
            id: format!("id-{key}"),
            key: key.into(),
            value: value.into(),
            comment: String::new(),
            version: 1,
            environment: "dev".into(),
            path: "/app".into(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    pub(in crate::store) fn folder(keys: &[&str]) -> Arc<CachedFolder> {
        Arc::new(CachedFolder::new(
            keys.iter().map(|k| view(k, "v")).collect(),
            crate::store::evictions::Evictions::default().stamp(),
        ))
    }

    #[test]
    fn the_rendering_is_the_list_body() {
        let entry = folder(&["A", "B"]);
        let json: serde_json::Value = serde_json::from_str(entry.json().unwrap()).unwrap();
        assert_eq!(json["secrets"][1]["key"], "B");
        assert_eq!(json["secrets"][0]["value"], "v");
        assert!(std::ptr::eq(entry.json().unwrap(), entry.json().unwrap()));
        let other = entry
            .rendered(Rendering::InfisicalRaw, |s| {
                Ok(format!("{} secrets", s.len()))
            })
            .unwrap();
        assert_eq!(other, "2 secrets", "each rendering has its own slot");
    }

    #[test]
    fn the_native_body_names_unreadable_secrets_only_when_there_are_some() {
        let intact = folder(&["A"]);
        assert!(!intact.json().unwrap().contains("unreadable"));
        let damaged = CachedFolder::opened(
            vec![view("A", "v")],
            vec![Unreadable {
                key: "B".into(),
                path: "/app".into(),
                reason: "value".into(),
            }],
            crate::store::evictions::Evictions::default().stamp(),
        );
        let json: serde_json::Value = serde_json::from_str(damaged.json().unwrap()).unwrap();
        assert_eq!(json["unreadable"][0]["key"], "B");
        assert!(damaged.is_unreadable("B") && !damaged.is_unreadable("A"));
    }

    #[test]
    fn find_uses_the_key_order() {
        let entry = folder(&["A", "B_1", "C", "a"]);
        assert_eq!(entry.find("C").unwrap().key, "C");
        assert_eq!(entry.find("a").unwrap().key, "a");
        assert!(entry.find("B").is_none());
    }
}
