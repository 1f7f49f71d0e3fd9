//! The order of evictions, so a cache fill that raced a write does not put stale data back.
//!
//! A fill reads a [`Stamp`] before it loads rows, and may keep what it loaded only if no
//! eviction announced since then covers it. Evictions are announced here *before* the caches
//! drop their entries, and a fill checks while holding its cache's lock, so every interleaving
//! ends with the stale entry gone: either the fill sees the announcement and keeps nothing, or
//! it inserts first and the eviction, which waits for the same lock, removes it.

use super::eviction::Eviction;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Evictions remembered (one per write); a fill older than the oldest keeps nothing (it would
/// have to have run across this many writes).
const REMEMBERED: usize = 1_024;

/// The eviction count when a fill started, in this Store's run.
///
/// It is also the generation of what was loaded after it: every write announces its eviction
/// right after it commits, so data loaded under the same stamp is the same data, except in the
/// moment between a commit and its announcement, after which every load carries a newer stamp.
/// A client polling with an ETag made from it therefore sees each change (at worst one poll
/// later), and a request whose stamp matches the client's tag needs nothing decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Random per Store: counts restart at 0 with the process, tags made from them must not.
    run: u64,
    count: u64,
}

impl Stamp {
    /// The stamp as bytes, for an ETag.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.run.to_le_bytes());
        bytes[8..].copy_from_slice(&self.count.to_le_bytes());
        bytes
    }
}

pub(super) struct Evictions {
    run: u64,
    /// How many evictions have been announced; `recent` holds the last of them, numbered from 1.
    announced: AtomicU64,
    recent: Mutex<VecDeque<(u64, Arc<Eviction>)>>,
}

impl Default for Evictions {
    fn default() -> Self {
        Self {
            run: rand::random(),
            announced: AtomicU64::new(0),
            recent: Mutex::default(),
        }
    }
}

impl Evictions {
    pub(super) fn stamp(&self) -> Stamp {
        Stamp {
            run: self.run,
            count: self.announced.load(Ordering::SeqCst),
        }
    }

    pub(super) fn announce(&self, eviction: Arc<Eviction>) {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let number = self.announced.fetch_add(1, Ordering::SeqCst) + 1;
        recent.push_back((number, eviction));
        if recent.len() > REMEMBERED {
            recent.pop_front();
        }
    }

    /// Whether nothing announced after `stamp` covers the entry (`covers` says which do).
    pub(super) fn none_since(&self, stamp: Stamp, covers: impl Fn(&Eviction) -> bool) -> bool {
        if self.announced.load(Ordering::SeqCst) == stamp.count {
            return true;
        }
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        match recent.front() {
            Some((oldest, _)) if *oldest <= stamp.count + 1 => recent
                .iter()
                .filter(|(number, _)| *number > stamp.count)
                .all(|(_, eviction)| !covers(eviction)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Touched;

    fn revoke(id: &str) -> Arc<Eviction> {
        Arc::new(Touched::tokens([id.to_owned()]).eviction())
    }

    #[test]
    fn only_an_announcement_that_covers_the_entry_refuses_it() {
        let log = Evictions::default();
        let stamp = log.stamp();
        log.announce(revoke("a"));
        assert!(log.none_since(stamp, |e| e.covers_token("b", "p")));
        assert!(!log.none_since(stamp, |e| e.covers_token("a", "p")));
        assert!(
            log.none_since(log.stamp(), |_| true),
            "nothing announced since"
        );
    }

    #[test]
    fn stamps_differ_across_runs_and_after_an_eviction() {
        let (one, two) = (Evictions::default(), Evictions::default());
        assert_ne!(one.stamp().to_bytes(), two.stamp().to_bytes(), "runs");
        let before = one.stamp();
        assert_eq!(before, one.stamp());
        one.announce(revoke("a"));
        assert_ne!(before.to_bytes(), one.stamp().to_bytes());
    }

    #[test]
    fn a_fill_older_than_the_memory_keeps_nothing() {
        let log = Evictions::default();
        let stamp = log.stamp();
        for _ in 0..=REMEMBERED {
            log.announce(revoke("x"));
        }
        assert!(!log.none_since(stamp, |_| false));
    }
}
