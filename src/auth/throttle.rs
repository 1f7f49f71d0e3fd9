//! Failure throttling per client address (429 with `Retry-After` once the limit is reached in a
//! one-minute window) and a growing per-account delay for logins. Memory is bounded: when a map
//! is full, entries whose window has passed are dropped, and if that frees nothing the oldest
//! half goes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
pub const MAX_TRACKED: usize = 10_000;

struct Window {
    started: Instant,
    failures: u32,
}

pub struct FailureThrottle {
    limit: u32,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

impl FailureThrottle {
    /// `limit` failures per minute per address; 0 turns throttling off.
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `ip` may try again, if it is over the limit now.
    pub fn blocked_for(&self, ip: IpAddr) -> Option<u64> {
        if self.limit == 0 {
            return None;
        }
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = windows.get(&ip)?;
        let elapsed = window.started.elapsed();
        (window.failures >= self.limit && elapsed < WINDOW)
            .then(|| (WINDOW - elapsed).as_secs().max(1))
    }

    pub fn record_failure(&self, ip: IpAddr) {
        if self.limit == 0 {
            return;
        }
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= MAX_TRACKED && !windows.contains_key(&ip) {
            evict(&mut windows, |w| w.started);
        }
        let window = windows.entry(ip).or_insert(Window {
            started: Instant::now(),
            failures: 0,
        });
        if window.started.elapsed() >= WINDOW {
            *window = Window {
                started: Instant::now(),
                failures: 0,
            };
        }
        window.failures = window.failures.saturating_add(1);
    }

    pub fn tracked(&self) -> usize {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Drops expired windows, or the older half when none has expired.
fn evict<K: Clone + Eq + std::hash::Hash, V>(
    map: &mut HashMap<K, V>,
    started: impl Fn(&V) -> Instant,
) {
    map.retain(|_, v| started(v).elapsed() < WINDOW);
    if map.len() >= MAX_TRACKED {
        let mut ages: Vec<(K, Instant)> =
            map.iter().map(|(k, v)| (k.clone(), started(v))).collect();
        ages.sort_by_key(|(_, at)| *at);
        for (key, _) in ages.into_iter().take(MAX_TRACKED / 2) {
            map.remove(&key);
        }
    }
}

/// A growing delay per account after failed logins: never a lockout, just slower guessing.
pub struct AccountDelays {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Default for AccountDelays {
    fn default() -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl AccountDelays {
    /// No delay for the first three failures, then 250 ms doubling up to 8 s; forgotten after a
    /// quiet minute.
    pub fn delay_for(&self, account: &str) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&account.to_lowercase()) {
            Some((count, last)) if *count > 3 && last.elapsed() < WINDOW => {
                let exp = (*count - 4).min(5);
                Duration::from_millis(250 << exp)
            }
            _ => Duration::ZERO,
        }
    }

    pub fn record_failure(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let key = account.to_lowercase();
        if failures.len() >= MAX_TRACKED && !failures.contains_key(&key) {
            evict(&mut failures, |(_, at)| *at);
        }
        let entry = failures.entry(key).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            entry.0 = 0;
        }
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now();
    }

    pub fn reset(&self, account: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&account.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_an_address_after_the_limit_and_spares_others() {
        let throttle = FailureThrottle::new(3);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..2 {
            throttle.record_failure(a);
        }
        assert!(throttle.blocked_for(a).is_none());
        throttle.record_failure(a);
        let retry = throttle.blocked_for(a).unwrap();
        assert!((1..=60).contains(&retry));
        assert!(throttle.blocked_for(b).is_none());
    }

    #[test]
    fn zero_limit_turns_throttling_off() {
        let throttle = FailureThrottle::new(0);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..100 {
            throttle.record_failure(a);
        }
        assert!(throttle.blocked_for(a).is_none());
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let throttle = FailureThrottle::new(5);
        for i in 0..(MAX_TRACKED as u32 + 5_000) {
            throttle.record_failure(IpAddr::from(i.to_be_bytes()));
        }
        assert!(throttle.tracked() <= MAX_TRACKED);
    }

    #[test]
    fn account_delay_grows_but_never_locks_out() {
        let delays = AccountDelays::default();
        for _ in 0..3 {
            delays.record_failure("Admin@Example.com");
        }
        assert_eq!(delays.delay_for("admin@example.com"), Duration::ZERO);
        delays.record_failure("admin@example.com");
        assert_eq!(
            delays.delay_for("admin@example.com"),
            Duration::from_millis(250)
        );
        for _ in 0..20 {
            delays.record_failure("admin@example.com");
        }
        assert_eq!(
            delays.delay_for("admin@example.com"),
            Duration::from_millis(8000)
        );
        delays.reset("admin@example.com");
        assert_eq!(delays.delay_for("admin@example.com"), Duration::ZERO);
    }
}
