//! Per-token usage: reads and writes by each service token, summed in memory per hour,
//! environment and folder, and written by the flusher (about once a minute), never on the
//! request. Memory is bounded: at most [`MAX_ENTRIES`] sums are buffered; past that, a new
//! folder's uses are summed under the path `*` of its token, hour and environment, and past
//! twice that they are dropped (and counted, so the flusher can say so). Each sum keeps at most
//! [`MAX_IPS`] distinct client addresses.

use crate::db::token_usage::{self, UsageKey, UsageSum};
use crate::db::{Db, DbResult};
use crate::time::Millis;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

pub const MAX_ENTRIES: usize = 10_000;
pub const MAX_IPS: usize = token_usage::MAX_IPS;
pub const HOUR: Millis = 3_600_000;
/// The path that sums what the cap kept apart.
pub const OVERFLOW: &str = "*";

/// What a token did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Read,
    Write,
}

/// Where and when a token was used.
#[derive(Debug, Clone, Copy)]
pub struct UsePlace<'a> {
    pub token_id: &'a str,
    pub project_id: &'a str,
    pub environment: &'a str,
    pub path: &'a str,
}

pub(super) struct TokenUsage {
    on: AtomicBool,
    pending: Mutex<HashMap<UsageKey, UsageSum>>,
    dropped: AtomicU64,
}

impl Default for TokenUsage {
    fn default() -> Self {
        Self {
            on: AtomicBool::new(true),
            pending: Mutex::new(HashMap::new()),
            dropped: AtomicU64::new(0),
        }
    }
}

impl TokenUsage {
    pub(super) fn set_on(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
    }

    pub(super) fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    pub(super) fn record(
        &self,
        place: UsePlace<'_>,
        what: Counted,
        at: Millis,
        ip: Option<IpAddr>,
    ) {
        if !self.is_on() {
            return;
        }
        let mut key = UsageKey {
            token_id: place.token_id.to_owned(),
            hour: at - at.rem_euclid(HOUR),
            environment: place.environment.to_owned(),
            path: place.path.to_owned(),
        };
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if pending.len() >= MAX_ENTRIES && !pending.contains_key(&key) {
            key.path = String::from(OVERFLOW);
            if pending.len() >= 2 * MAX_ENTRIES && !pending.contains_key(&key) {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        let sum = pending.entry(key).or_insert_with(|| UsageSum {
            project_id: place.project_id.to_owned(),
            ..UsageSum::default()
        });
        match what {
            Counted::Read => sum.reads += 1,
            Counted::Write => sum.writes += 1,
        }
        if let Some(ip) = ip {
            if sum.ips.len() < MAX_IPS {
                sum.ips.insert(ip);
            }
        }
    }

    /// The buffered sums of one token, for readers to add to what is stored.
    pub(super) fn pending_of(&self, token_id: &str) -> Vec<(UsageKey, UsageSum)> {
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .iter()
            .filter(|(key, _)| key.token_id == token_id)
            .map(|(key, sum)| (key.clone(), sum.clone()))
            .collect()
    }

    /// Writes every buffered sum in one transaction (blocking). A failed write keeps the sums
    /// for the next flush. Returns how many sums it wrote and how many uses the cap dropped.
    pub(super) fn flush_blocking(&self, db: &Db) -> DbResult<(usize, u64)> {
        let batch: Vec<(UsageKey, UsageSum)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.drain().collect()
        };
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if batch.is_empty() {
            return Ok((0, dropped));
        }
        match db.write_blocking(|tx| token_usage::add(tx, &batch)) {
            Ok(()) => Ok((batch.len(), dropped)),
            Err(e) => {
                let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
                for (key, sum) in batch {
                    pending.entry(key).or_default().merge(&sum);
                }
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(path: &str) -> UsePlace<'_> {
        UsePlace {
            token_id: "t",
            project_id: "p",
            environment: "dev",
            path,
        }
    }

    #[test]
    fn past_the_cap_new_folders_are_summed_under_star() {
        let usage = TokenUsage::default();
        let paths: Vec<String> = (0..MAX_ENTRIES + 5).map(|i| format!("/f{i}")).collect();
        for path in &paths {
            usage.record(place(path), Counted::Read, 0, None);
        }
        // A folder already counted keeps its own sum.
        usage.record(place("/f0"), Counted::Write, 0, None);
        let pending = usage.pending_of("t");
        assert_eq!(pending.len(), MAX_ENTRIES + 1);
        let star = pending.iter().find(|(k, _)| k.path == OVERFLOW).unwrap();
        assert_eq!(star.1.reads, 5);
        let f0 = pending.iter().find(|(k, _)| k.path == "/f0").unwrap();
        assert_eq!((f0.1.reads, f0.1.writes), (1, 1));
    }

    #[test]
    fn distinct_addresses_stop_at_the_cap_and_off_counts_nothing() {
        let usage = TokenUsage::default();
        for i in 0..300u32 {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            usage.record(place("/"), Counted::Read, 0, Some(ip));
        }
        let pending = usage.pending_of("t");
        assert_eq!(pending[0].1.ips.len(), MAX_IPS);
        assert_eq!(pending[0].1.reads, 300);
        let off = TokenUsage::default();
        off.set_on(false);
        off.record(place("/"), Counted::Read, 0, None);
        assert!(off.pending_of("t").is_empty());
    }

    #[test]
    fn uses_in_one_hour_share_a_sum() {
        let usage = TokenUsage::default();
        usage.record(place("/"), Counted::Read, HOUR + 1, None);
        usage.record(place("/"), Counted::Read, 2 * HOUR - 1, None);
        usage.record(place("/"), Counted::Read, 2 * HOUR, None);
        let mut hours: Vec<Millis> = usage.pending_of("t").iter().map(|(k, _)| k.hour).collect();
        hours.sort();
        assert_eq!(hours, vec![HOUR, 2 * HOUR]);
    }
}
