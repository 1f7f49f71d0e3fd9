//! `expiresIn`: whole seconds from 60 to 315,360,000 (ten years), or never; and the admin UI's
//! custom expiry date, which the token outlives to the end of that UTC day.

use super::Invalid;
use crate::time::Millis;
use chrono::NaiveDate;

pub const MIN_SECONDS: i64 = 60;
pub const MAX_SECONDS: i64 = 315_360_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiresIn {
    Never,
    Seconds(i64),
    /// A fixed instant: the end of a chosen day ([`ExpiresIn::through_date`]). The APIs take
    /// seconds only; this is how the UI's date reaches the store exactly, rather than as seconds
    /// counted from a `now` that has moved on by the time the token is minted.
    Until(Millis),
}

impl ExpiresIn {
    /// Parses the JSON value of `expiresIn`: a number of seconds or `null`.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Invalid> {
        match value {
            serde_json::Value::Null => Ok(Self::Never),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(s) => Self::seconds(s),
                None => Err(Invalid::new("must be a whole number of seconds or null")),
            },
            _ => Err(Invalid::new("must be a whole number of seconds or null")),
        }
    }

    pub fn seconds(s: i64) -> Result<Self, Invalid> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&s) {
            return Err(Invalid::new(format!(
                "must be between {MIN_SECONDS} and {MAX_SECONDS} seconds, or null for never (got {s})"
            )));
        }
        Ok(Self::Seconds(s))
    }

    /// A token usable through the whole UTC day `date`: it expires at 23:59:59 UTC of that day.
    /// The same bounds as seconds apply, measured from `now`.
    pub fn through_date(date: NaiveDate, now: Millis) -> Result<Self, Invalid> {
        let end = end_of_day(date).ok_or_else(|| Invalid::new("is not a valid date"))?;
        let seconds = (end - now) / 1000;
        if seconds < MIN_SECONDS {
            return Err(Invalid::new("must be today or later"));
        }
        if seconds > MAX_SECONDS {
            return Err(Invalid::new("must be at most 10 years ahead"));
        }
        Ok(Self::Until(end))
    }

    /// The expiry instant for a token created at `now`.
    pub fn expires_at(self, now: Millis) -> Option<Millis> {
        match self {
            Self::Never => None,
            Self::Seconds(s) => Some(now + s * 1000),
            Self::Until(at) => Some(at),
        }
    }
}

/// 23:59:59 UTC of `date`, in milliseconds.
pub fn end_of_day(date: NaiveDate) -> Option<Millis> {
    date.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc().timestamp_millis())
}

/// The day an expiry set by date names: `Some(date)` when `at` is 23:59:59.000 UTC of it.
pub fn day_of_end(at: Millis) -> Option<NaiveDate> {
    let date = crate::time::to_datetime(at)?.date_naive();
    (end_of_day(date) == Some(at)).then_some(date)
}

/// A token with `expires_at` is expired once the clock reaches it.
pub fn is_expired(expires_at: Option<Millis>, now: Millis) -> bool {
    matches!(expires_at, Some(at) if now >= at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_the_documented_range_and_null() {
        assert_eq!(
            ExpiresIn::from_json(&json!(null)).unwrap(),
            ExpiresIn::Never
        );
        assert_eq!(
            ExpiresIn::from_json(&json!(60)).unwrap(),
            ExpiresIn::Seconds(60)
        );
        assert_eq!(
            ExpiresIn::from_json(&json!(315_360_000)).unwrap(),
            ExpiresIn::Seconds(315_360_000)
        );
        for bad in [
            json!(59),
            json!(0),
            json!(-1),
            json!(315_360_001),
            json!(1.5),
            json!("60"),
            json!(true),
        ] {
            assert!(ExpiresIn::from_json(&bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn expiry_arithmetic() {
        let now = 1_700_000_000_000;
        assert_eq!(ExpiresIn::Seconds(60).expires_at(now), Some(now + 60_000));
        assert_eq!(ExpiresIn::Never.expires_at(now), None);
        assert!(!is_expired(None, i64::MAX));
        assert!(!is_expired(Some(now), now - 1));
        assert!(
            is_expired(Some(now), now),
            "expiry instant itself counts as expired"
        );
        assert!(is_expired(Some(now), now + 1));
    }

    fn millis(rfc3339: &str) -> Millis {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn a_date_lasts_to_235959_utc_of_that_day() {
        let now = millis("2027-02-20T12:00:00Z");
        let date = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let until = ExpiresIn::through_date(date, now).unwrap();
        let at = until.expires_at(now + 5_000).unwrap();
        assert_eq!(
            at,
            millis("2027-03-01T23:59:59Z"),
            "not moved by a later now"
        );
        assert_eq!(day_of_end(at), Some(date), "shown as the date chosen");
        assert_eq!(day_of_end(millis("2027-03-01T00:00:00Z")), None);
        assert_eq!(day_of_end(at + 1), None);
    }

    #[test]
    fn a_date_must_leave_a_minute_and_stay_within_ten_years() {
        let now = millis("2027-03-01T12:00:00Z");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(
            ExpiresIn::through_date(day(2027, 3, 1), now).is_ok(),
            "today still has hours"
        );
        assert!(ExpiresIn::through_date(day(2027, 2, 28), now).is_err());
        let late = millis("2027-03-01T23:59:00Z");
        assert!(
            ExpiresIn::through_date(day(2027, 3, 1), late).is_err(),
            "under a minute left"
        );
        assert!(ExpiresIn::through_date(day(2037, 2, 1), now).is_ok());
        assert!(ExpiresIn::through_date(day(2037, 3, 1), now).is_err());
    }
}
