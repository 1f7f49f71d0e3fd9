//! The order of evictions, so a cache fill that raced a write does not put stale data back.
//!
//! A fill reads a [`Stamp`] before it loads rows, and may keep what it loaded only if no
//! eviction announced since then covers it. Evictions are announced here *before* the caches
//! drop their entries, and a fill checks while holding its cache's lock, so every interleaving
//! ends with the stale entry gone: either the fill sees the announcement and keeps nothing, or
//! it inserts first and the eviction, which waits for the same lock, removes it.

use super::touched::Scope;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Announcements remembered; a fill older than the oldest one keeps nothing (it would have to
/// have run across this many writes).
const REMEMBERED: usize = 4_096;

/// The eviction count when a fill started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp(u64);

#[derive(Default)]
pub(super) struct Evictions {
    /// How many scopes have been announced; `recent` holds the last of them, numbered from 1.
    announced: AtomicU64,
    recent: Mutex<VecDeque<(u64, Scope)>>,
}

impl Evictions {
    pub(super) fn stamp(&self) -> Stamp {
        Stamp(self.announced.load(Ordering::SeqCst))
    }

    pub(super) fn announce(&self, scopes: &[Scope]) {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        for scope in scopes {
            let number = self.announced.fetch_add(1, Ordering::SeqCst) + 1;
            recent.push_back((number, scope.clone()));
            if recent.len() > REMEMBERED {
                recent.pop_front();
            }
        }
    }

    /// Whether nothing announced after `stamp` covers the entry (`covers` says which do).
    pub(super) fn none_since(&self, stamp: Stamp, covers: impl Fn(&Scope) -> bool) -> bool {
        if self.announced.load(Ordering::SeqCst) == stamp.0 {
            return true;
        }
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        match recent.front() {
            Some((oldest, _)) if *oldest <= stamp.0 + 1 => recent
                .iter()
                .filter(|(number, _)| *number > stamp.0)
                .all(|(_, scope)| !covers(scope)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_announcement_that_covers_the_entry_refuses_it() {
        let log = Evictions::default();
        let stamp = log.stamp();
        log.announce(&[Scope::Token(String::from("a"))]);
        assert!(log.none_since(stamp, |s| *s == Scope::Token(String::from("b"))));
        assert!(!log.none_since(stamp, |s| *s == Scope::Token(String::from("a"))));
        assert!(
            log.none_since(log.stamp(), |_| true),
            "nothing announced since"
        );
    }

    #[test]
    fn a_fill_older_than_the_memory_keeps_nothing() {
        let log = Evictions::default();
        let stamp = log.stamp();
        let unrelated = vec![Scope::Token(String::from("x")); REMEMBERED + 1];
        log.announce(&unrelated);
        assert!(!log.none_since(stamp, |_| false));
    }
}
