//! One-shot reveals: a freshly minted token waits here, keyed by a random id, until the admin who
//! minted it views it once. The browser is redirected to a page naming only the id (POST-redirect-
//! GET), so a reload, the back button or a copied URL never shows the token again. Entries are
//! bound to the minting session, live a few minutes, and the store is bounded.

use super::views::ServiceTokenView;
use crate::crypto::random;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const TTL: Duration = Duration::from_secs(300);
const MAX_ENTRIES: usize = 1_000;

/// What the one-time page shows.
pub struct Revealed {
    pub token: Zeroizing<String>,
    pub token_name: String,
    pub project_id: String,
    /// What the token was granted, for the page's recap (`None` for an invitation link).
    pub grant: Option<ServiceTokenView>,
}

struct Entry {
    revealed: Revealed,
    owner: [u8; 32],
    stored_at: Instant,
}

#[derive(Default)]
pub struct Reveals {
    entries: Mutex<HashMap<String, Entry>>,
}

impl Reveals {
    /// Keeps `revealed` for the session whose id hash is `owner`; returns the id to redirect to.
    pub fn put(&self, owner: [u8; 32], revealed: Revealed) -> String {
        self.put_at(owner, revealed, Instant::now())
    }

    fn put_at(&self, owner: [u8; 32], revealed: Revealed, now: Instant) -> String {
        let id = random::hex32();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, e| now.duration_since(e.stored_at) < TTL);
        if entries.len() >= MAX_ENTRIES {
            // Full of live entries: drop the oldest rather than grow without bound.
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.stored_at)
                .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            id.clone(),
            Entry {
                revealed,
                owner,
                stored_at: now,
            },
        );
        id
    }

    /// Removes and returns the entry if it exists, is fresh and belongs to `owner`. A wrong owner
    /// does not consume it (the rightful admin can still see their token).
    pub fn take(&self, id: &str, owner: &[u8; 32]) -> Option<Revealed> {
        self.take_at(id, owner, Instant::now())
    }

    fn take_at(&self, id: &str, owner: &[u8; 32], now: Instant) -> Option<Revealed> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(id)?;
        if now.duration_since(entry.stored_at) >= TTL {
            entries.remove(id);
            return None;
        }
        if &entry.owner != owner {
            return None;
        }
        entries.remove(id).map(|e| e.revealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revealed() -> Revealed {
        Revealed {
            token: Zeroizing::new(String::from("st.a.b.c")),
            token_name: String::from("ci"),
            project_id: String::from("p"),
            grant: None,
        }
    }

    #[test]
    fn an_entry_is_shown_once_and_only_to_its_owner() {
        let store = Reveals::default();
        let id = store.put([1; 32], revealed());
        assert!(
            store.take(&id, &[2; 32]).is_none(),
            "another session must not see it"
        );
        assert_eq!(
            store.take(&id, &[1; 32]).unwrap().token.as_str(),
            "st.a.b.c"
        );
        assert!(
            store.take(&id, &[1; 32]).is_none(),
            "second view must find nothing"
        );
    }

    #[test]
    fn entries_expire_and_the_store_stays_bounded() {
        let store = Reveals::default();
        let start = Instant::now();
        let id = store.put_at([1; 32], revealed(), start);
        assert!(store.take_at(&id, &[1; 32], start + TTL).is_none());
        for _ in 0..MAX_ENTRIES + 10 {
            store.put_at([1; 32], revealed(), start);
        }
        assert_eq!(store.entries.lock().unwrap().len(), MAX_ENTRIES);
    }
}
