//! Failure throttling per client address (429 with `Retry-After` once the limit is reached in a
//! one-minute window) and a growing per-account delay for logins. Memory is bounded: when a map
//! is full, entries whose window has passed are dropped, and if that frees nothing the half with
//! the fewest failures goes, so flooding the map from many addresses cannot free a blocked one.
//!
//! IPv6 clients are counted per /64, the block one subscriber usually gets: counting per
//! address would let one host rotate through 2^64 addresses and never be throttled. Unknown
//! clients (a trusted proxy forwarded garbage) all share one bucket.
//!
//! A password attempt reserves its place under the limit *before* the slow hash
//! ([`FailureThrottle::reserve`]) and counts as a failure from then on unless it turns out
//! right: checking the limit first and counting after the hash let any number of parallel
//! guesses through while the first ones were still hashing.

use crate::crypto::random::sha256;
use crate::domain::ClientAddr;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
pub const MAX_TRACKED: usize = 10_000;

struct Window {
    started: Instant,
    failures: u32,
}

/// The unit failures are counted by: the address itself for IPv4, its /64 for IPv6, and one
/// bucket for every unknown client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    Ip(IpAddr),
    Unknown,
}

fn bucket(client: &ClientAddr) -> Bucket {
    match client.ip() {
        Some(IpAddr::V6(v6)) => Bucket::Ip(IpAddr::V6(Ipv6Addr::from(
            u128::from(v6) & !((1u128 << 64) - 1),
        ))),
        Some(v4) => Bucket::Ip(v4),
        None => Bucket::Unknown,
    }
}

/// An attempt counted as a failure before it was checked; [`FailureThrottle::succeeded`] gives
/// it back. Dropped without that, it stays a failure (a request cut off mid-check included).
#[must_use = "give the reservation back when the attempt succeeds"]
pub struct Reservation {
    counted: Option<(Bucket, Instant)>,
}

pub struct FailureThrottle {
    limit: u32,
    windows: Mutex<HashMap<Bucket, Window>>,
}

impl FailureThrottle {
    /// `limit` failures per minute per address; 0 turns throttling off.
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `client` may try again, if it is over the limit now.
    pub fn blocked_for(&self, client: &ClientAddr) -> Option<u64> {
        if self.limit == 0 {
            return None;
        }
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = windows.get(&bucket(client))?;
        self.retry_after(window)
    }

    fn retry_after(&self, window: &Window) -> Option<u64> {
        let elapsed = window.started.elapsed();
        (window.failures >= self.limit && elapsed < WINDOW)
            .then(|| (WINDOW - elapsed).as_secs().max(1))
    }

    pub fn record_failure(&self, client: &ClientAddr) {
        self.count(client, |_| true);
    }

    /// Reserves an attempt for `client`, counted as a failure at once, or answers the seconds
    /// to wait when the client is over the limit (its failures and the attempts still being
    /// checked). Nothing slow may run for an attempt that was refused a reservation.
    pub fn reserve(&self, client: &ClientAddr) -> Result<Reservation, u64> {
        let mut refused = None;
        let counted = self.count(client, |window| {
            refused = self.retry_after(window);
            refused.is_none()
        });
        match refused {
            Some(retry_after_secs) => Err(retry_after_secs),
            None => Ok(Reservation { counted }),
        }
    }

    /// Gives back the reservation of an attempt that turned out right.
    pub fn succeeded(&self, reservation: Reservation) {
        let Some((key, started)) = reservation.counted else {
            return;
        };
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(window) = windows.get_mut(&key).filter(|w| w.started == started) {
            window.failures = window.failures.saturating_sub(1);
        }
    }

    /// Adds a failure to `client`'s current window if `admit` agrees, under one lock; returns
    /// the bucket and window it was counted in.
    fn count(
        &self,
        client: &ClientAddr,
        admit: impl FnOnce(&Window) -> bool,
    ) -> Option<(Bucket, Instant)> {
        if self.limit == 0 {
            return None;
        }
        let key = bucket(client);
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= MAX_TRACKED && !windows.contains_key(&key) {
            evict(&mut windows, |w| (w.failures, w.started));
        }
        let window = windows.entry(key).or_insert(Window {
            started: Instant::now(),
            failures: 0,
        });
        if window.started.elapsed() >= WINDOW {
            *window = Window {
                started: Instant::now(),
                failures: 0,
            };
        }
        if !admit(window) {
            return None;
        }
        window.failures = window.failures.saturating_add(1);
        Some((key, window.started))
    }

    pub fn tracked(&self) -> usize {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Drops expired windows; if the map is still full, drops the half with the fewest failures
/// (oldest first among equals). `rank` gives an entry's failure count and window start.
fn evict<K: Clone + Eq + std::hash::Hash, V>(
    map: &mut HashMap<K, V>,
    rank: impl Fn(&V) -> (u32, Instant),
) {
    map.retain(|_, v| rank(v).1.elapsed() < WINDOW);
    if map.len() >= MAX_TRACKED {
        let mut ranked: Vec<(K, (u32, Instant))> =
            map.iter().map(|(k, v)| (k.clone(), rank(v))).collect();
        ranked.sort_by_key(|(_, r)| *r);
        for (key, _) in ranked.into_iter().take(MAX_TRACKED / 2) {
            map.remove(&key);
        }
    }
}

/// A growing delay per account after failed logins: never a lockout, just slower guessing.
/// Accounts are keyed by the SHA-256 of the lower-cased e-mail, so made-up addresses of 256 KiB
/// each cost 32 bytes a key, not their length.
#[derive(Default)]
pub struct AccountDelays {
    failures: Mutex<HashMap<[u8; 32], (u32, Instant)>>,
}

fn account_key(account: &str) -> [u8; 32] {
    sha256(account.trim().to_lowercase().as_bytes())
}

impl AccountDelays {
    /// No delay for the first three failures, then 250 ms doubling up to 8 s; forgotten after a
    /// quiet minute.
    pub fn delay_for(&self, account: &str) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&account_key(account)) {
            Some((count, last)) if *count > 3 && last.elapsed() < WINDOW => {
                let exp = (*count - 4).min(5);
                Duration::from_millis(250 << exp)
            }
            _ => Duration::ZERO,
        }
    }

    pub fn record_failure(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let key = account_key(account);
        if failures.len() >= MAX_TRACKED && !failures.contains_key(&key) {
            evict(&mut failures, |(count, at)| (*count, *at));
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
            .remove(&account_key(account));
    }

    pub fn tracked(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ip: &str) -> ClientAddr {
        ClientAddr::from(ip.parse::<IpAddr>().unwrap())
    }

    fn nth(i: u32) -> ClientAddr {
        ClientAddr::from(IpAddr::from(i.to_be_bytes()))
    }

    #[test]
    fn blocks_an_address_after_the_limit_and_spares_others() {
        let throttle = FailureThrottle::new(3);
        let (a, b) = (client("127.0.0.1"), client("127.0.0.2"));
        for _ in 0..2 {
            throttle.record_failure(&a);
        }
        assert!(throttle.blocked_for(&a).is_none());
        throttle.record_failure(&a);
        let retry = throttle.blocked_for(&a).unwrap();
        assert!((1..=60).contains(&retry));
        assert!(throttle.blocked_for(&b).is_none());
    }

    #[test]
    fn zero_limit_turns_throttling_off() {
        let throttle = FailureThrottle::new(0);
        let a = client("127.0.0.1");
        for _ in 0..100 {
            throttle.record_failure(&a);
            assert!(throttle.reserve(&a).is_ok());
        }
        assert!(throttle.blocked_for(&a).is_none());
    }

    #[test]
    fn reservations_stop_at_the_limit_while_the_attempts_are_still_being_checked() {
        let throttle = FailureThrottle::new(3);
        let a = client("127.0.0.1");
        let in_flight: Vec<Reservation> = (0..3).map(|_| throttle.reserve(&a).unwrap()).collect();
        let refused = throttle
            .reserve(&a)
            .err()
            .expect("a fourth attempt is refused");
        assert!((1..=60).contains(&refused));
        assert!(throttle.reserve(&client("127.0.0.2")).is_ok());
        drop(in_flight);
        assert!(
            throttle.blocked_for(&a).is_some(),
            "unreturned reservations stay failures"
        );
    }

    #[test]
    fn a_successful_attempt_gives_its_reservation_back() {
        let throttle = FailureThrottle::new(2);
        let a = client("127.0.0.1");
        for _ in 0..5 {
            let reservation = throttle.reserve(&a).unwrap();
            throttle.succeeded(reservation);
        }
        throttle.record_failure(&a);
        assert!(throttle.blocked_for(&a).is_none());
    }

    #[test]
    fn unknown_clients_share_one_bucket_apart_from_every_address() {
        let throttle = FailureThrottle::new(2);
        throttle.record_failure(&ClientAddr::unknown("garbage"));
        throttle.record_failure(&ClientAddr::unknown("other garbage"));
        assert!(throttle
            .blocked_for(&ClientAddr::unknown("anything"))
            .is_some());
        assert!(throttle.blocked_for(&client("127.0.0.1")).is_none());
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let throttle = FailureThrottle::new(5);
        for i in 0..(MAX_TRACKED as u32 + 5_000) {
            throttle.record_failure(&nth(i));
        }
        assert!(throttle.tracked() <= MAX_TRACKED);
    }

    #[test]
    fn a_blocked_address_survives_a_flood_of_other_addresses() {
        let throttle = FailureThrottle::new(3);
        let attacker = client("198.51.100.7");
        for _ in 0..3 {
            throttle.record_failure(&attacker);
        }
        for i in 0..(MAX_TRACKED as u32 * 2) {
            throttle.record_failure(&nth(0x0a00_0000 + i));
        }
        assert!(throttle.tracked() <= MAX_TRACKED);
        assert!(
            throttle.blocked_for(&attacker).is_some(),
            "the flood freed the blocked address"
        );
    }

    #[test]
    fn ipv6_addresses_in_one_slash_64_share_a_window() {
        let throttle = FailureThrottle::new(3);
        for suffix in ["::1", "::2", "::dead:beef"] {
            throttle.record_failure(&client(&format!("2001:db8:1:2{suffix}")));
        }
        assert!(throttle.blocked_for(&client("2001:db8:1:2::99")).is_some());
        assert!(throttle.blocked_for(&client("2001:db8:1:3::1")).is_none());
        assert_eq!(throttle.tracked(), 1);
    }

    #[test]
    fn account_map_is_bounded_and_keys_do_not_grow_with_the_input() {
        let delays = AccountDelays::default();
        let long = "x".repeat(10_000);
        for i in 0..(MAX_TRACKED + 2_000) {
            delays.record_failure(&format!("{i}@{long}"));
        }
        assert!(delays.tracked() <= MAX_TRACKED);
        assert_eq!(account_key(&long).len(), 32);
        assert_eq!(
            account_key(" Admin@Example.com "),
            account_key("admin@example.com")
        );
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
