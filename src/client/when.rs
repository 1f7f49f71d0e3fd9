//! Times in messages: how long ago something happened, rounded so a person reads it at a glance
//! ("3m 12s", "2days 4h").

use crate::time::{now_millis, Millis};
use std::time::Duration;

/// A duration to the second below an hour, to the minute below a day, else to the hour.
pub fn rounded(duration: Duration) -> String {
    let secs = duration.as_secs();
    let unit = match secs {
        0..3_600 => 1,
        3_600..86_400 => 60,
        _ => 3_600,
    };
    humantime::format_duration(Duration::from_secs(secs - secs % unit)).to_string()
}

/// How long ago `then` (milliseconds since the epoch) was; a time in the future counts as now.
pub fn age_of(then: Millis) -> Duration {
    Duration::from_millis(u64::try_from(now_millis().saturating_sub(then)).unwrap_or(0))
}

/// How long ago an RFC 3339 time was, rounded; `None` when it does not parse.
pub fn since(rfc3339: &str) -> Option<String> {
    let then = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    Some(rounded(age_of(then.timestamp_millis())))
}

/// An RFC 3339 time as milliseconds since the epoch.
pub fn parse_millis(rfc3339: &str) -> Option<Millis> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_rounded_to_what_a_reader_needs() {
        assert_eq!(rounded(Duration::from_millis(192_400)), "3m 12s");
        assert_eq!(rounded(Duration::from_secs(3 * 3_600 + 125)), "3h 2m");
        assert_eq!(
            rounded(Duration::from_secs(2 * 86_400 + 4 * 3_600 + 59)),
            "2days 4h"
        );
        assert_eq!(rounded(Duration::ZERO), "0s");
    }

    #[test]
    fn future_times_count_as_now() {
        assert_eq!(age_of(now_millis() + 60_000), Duration::ZERO);
        assert_eq!(since("2999-01-01T00:00:00.000Z").as_deref(), Some("0s"));
        assert!(since("yesterday").is_none());
    }
}
