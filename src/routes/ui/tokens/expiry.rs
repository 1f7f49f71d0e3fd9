//! The create form's "Expiration" field: the choices in the select, the chosen one (or a custom
//! date) as what the token is minted with, and how the token pages show an expiry.

use crate::domain::expiry::day_of_end;
use crate::domain::ExpiresIn;
use crate::routes::ui::format::when;
use crate::time::{to_datetime, Millis};
use chrono::NaiveDate;

/// The choices: value (seconds, `never` or `custom`) and label.
pub const EXPIRATIONS: [(&str, &str); 7] = [
    ("86400", "1 day"),
    ("604800", "7 days"),
    ("2592000", "1 month"),
    ("15552000", "6 months"),
    ("31536000", "12 months"),
    ("never", "Never"),
    ("custom", "Custom date…"),
];
pub const DEFAULT_EXPIRATION: &str = "86400";

/// What the form asks for.
pub enum Expiry {
    /// A preset: the `expiresIn` every face of the API takes (seconds or `null`).
    Request(serde_json::Value),
    /// A custom date: its end (23:59:59 UTC), which the request's seconds cannot say exactly.
    Fixed(ExpiresIn),
}

impl Expiry {
    /// The `expiresIn` to parse the rest of the form with (a fixed date is put in afterwards).
    pub fn request_value(&self) -> serde_json::Value {
        match self {
            Self::Request(value) => value.clone(),
            Self::Fixed(_) => serde_json::Value::from(86_400),
        }
    }
}

/// The earliest custom date the date picker offers: today, which lasts until 23:59:59 UTC.
pub fn today(now: Millis) -> String {
    to_datetime(now)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn custom(date: &str, now: Millis) -> Result<ExpiresIn, String> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| String::from("Pick a date."))?;
    ExpiresIn::through_date(day, now).map_err(|e| match to_datetime(now) {
        Some(t) if day <= t.date_naive() => String::from("Pick today or a later date."),
        _ => format!("The date {}.", e.0),
    })
}

/// The select's value (`choice`, with `custom_date` for "Custom date…"), or the message to show
/// beside the field.
pub fn expiry(choice: &str, custom_date: &str, now: Millis) -> Result<Expiry, String> {
    match choice {
        "never" => Ok(Expiry::Request(serde_json::Value::Null)),
        "custom" => custom(custom_date, now).map(Expiry::Fixed),
        value if EXPIRATIONS.iter().any(|(v, _)| *v == value) => value
            .parse::<i64>()
            .map(|s| Expiry::Request(serde_json::Value::from(s)))
            .map_err(|_| String::from("Choose an expiration.")),
        _ => Err(String::from("Choose an expiration.")),
    }
}

/// A moment on the token pages: relative first ("in 3 days"), the full UTC on hover.
pub struct Moment {
    pub relative: String,
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// `2027-03-01 23:59:59 UTC`, the `title`.
    pub full: String,
    /// `2027-03-01 14:05 UTC`, or just `2027-03-01` for an expiry set by date.
    pub short: String,
}

pub fn moment(at: Millis, now: Millis) -> Moment {
    let shown = when(at, now);
    let full = to_datetime(at)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| shown.utc.clone());
    let short = match day_of_end(at) {
        Some(day) => day.format("%Y-%m-%d").to_string(),
        None => shown.utc,
    };
    Moment {
        relative: shown.relative,
        iso: shown.iso,
        full,
        short,
    }
}

pub fn moment_rfc3339(rfc3339: &str, now: Millis) -> Option<Moment> {
    crate::routes::ui::format::parse(rfc3339).map(|at| moment(at, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Millis {
        Utc.with_ymd_and_hms(y, m, d, h, min, s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn a_custom_date_expires_at_the_end_of_that_day_and_reads_as_it() {
        let now = at(2027, 2, 20, 12, 0, 0);
        let Ok(Expiry::Fixed(expires)) = expiry("custom", "2027-03-01", now) else {
            panic!("not a fixed expiry");
        };
        let stored = expires.expires_at(now + 3_000).unwrap();
        assert_eq!(stored, at(2027, 3, 1, 23, 59, 59));
        let shown = moment(stored, now);
        assert_eq!(
            shown.short, "2027-03-01",
            "the date picked, not 2027-02-28 23:59"
        );
        assert_eq!(shown.full, "2027-03-01 23:59:59 UTC");
        assert_eq!(shown.relative, "in 9 days");
    }

    #[test]
    fn custom_dates_from_today_to_ten_years() {
        let now = at(2030, 5, 1, 12, 0, 0);
        assert!(
            expiry("custom", "2030-05-01", now).is_ok(),
            "today is allowed"
        );
        assert_eq!(
            expiry("custom", "2030-04-30", now).err().as_deref(),
            Some("Pick today or a later date.")
        );
        assert!(expiry("custom", "2045-01-01", now).is_err());
        assert_eq!(
            expiry("custom", "not a date", now).err().as_deref(),
            Some("Pick a date.")
        );
        assert_eq!(today(now), "2030-05-01");
    }

    #[test]
    fn presets_stay_seconds_for_the_api_parser() {
        let Ok(Expiry::Request(value)) = expiry("604800", "", 0) else {
            panic!("not a request");
        };
        assert_eq!(value, serde_json::json!(604800));
        assert!(matches!(
            expiry("never", "", 0),
            Ok(Expiry::Request(serde_json::Value::Null))
        ));
        assert!(expiry("123", "", 0).is_err());
    }

    #[test]
    fn other_moments_show_the_minute() {
        let shown = moment(at(2027, 3, 1, 14, 5, 9), at(2027, 3, 1, 14, 5, 9));
        assert_eq!(shown.short, "2027-03-01 14:05 UTC");
        assert_eq!(shown.relative, "just now");
    }
}
