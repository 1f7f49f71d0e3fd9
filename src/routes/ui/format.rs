//! How the UI shows times: UTC to the minute, with a relative form beside it ("in 6 days",
//! "3 hours ago").

use crate::time::{to_datetime, Millis};
use chrono::DateTime;

/// A moment as the templates show it.
#[derive(Debug, Clone)]
pub struct When {
    /// `2025-01-31 14:05 UTC`
    pub utc: String,
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    pub relative: String,
}

pub fn when(at: Millis, now: Millis) -> When {
    let (utc, iso) = match to_datetime(at) {
        Some(t) => (
            t.format("%Y-%m-%d %H:%M UTC").to_string(),
            crate::time::rfc3339(at),
        ),
        None => (String::from("—"), String::new()),
    };
    When {
        utc,
        iso,
        relative: relative(at - now),
    }
}

/// Parses an RFC 3339 time from a service view.
pub fn parse(rfc3339: &str) -> Option<Millis> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp_millis())
}

pub fn when_rfc3339(rfc3339: &str, now: Millis) -> Option<When> {
    parse(rfc3339).map(|at| when(at, now))
}

/// Rounds to the nearest whole unit, so a 7-day token minted a second ago reads "in 7 days".
pub fn relative(delta_ms: i64) -> String {
    let future = delta_ms > 0;
    let secs = delta_ms.unsigned_abs() / 1000;
    if secs < 45 {
        return String::from(if future {
            "in a few seconds"
        } else {
            "just now"
        });
    }
    let (size, name) = match secs {
        s if s < 45 * 60 => (60, "minute"),
        s if s < 22 * 3_600 => (3_600, "hour"),
        s if s < 26 * 86_400 => (86_400, "day"),
        s if s < 320 * 86_400 => (2_592_000, "month"),
        _ => (31_536_000, "year"),
    };
    let count = ((secs + size / 2) / size).max(1);
    let plural = if count == 1 { "" } else { "s" };
    if future {
        format!("in {count} {name}{plural}")
    } else {
        format!("{count} {name}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let day = 86_400_000;
        assert_eq!(relative(7 * day - 1_000), "in 7 days");
        assert_eq!(relative(6 * day), "in 6 days");
        assert_eq!(relative(-3 * 3_600_000), "3 hours ago");
        assert_eq!(relative(-10_000), "just now");
        assert_eq!(relative(90_000), "in 2 minutes");
        assert_eq!(relative(day), "in 1 day");
        assert_eq!(relative(30 * day), "in 1 month");
        assert_eq!(relative(180 * day), "in 6 months");
        assert_eq!(relative(365 * day), "in 1 year");
        assert_eq!(relative(-2 * 365 * day), "2 years ago");
    }

    #[test]
    fn utc_is_shown_to_the_minute() {
        let t = when(1_700_000_000_123, 1_700_000_000_123);
        assert_eq!(t.utc, "2023-11-14 22:13 UTC");
        assert_eq!(t.iso, "2023-11-14T22:13:20.123Z");
    }
}
