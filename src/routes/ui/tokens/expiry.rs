//! The create form's "Expiration" field: the choices in the select, and the chosen one (or a
//! custom date) as a request's `expiresIn` in seconds.

use crate::domain::expiry::MAX_SECONDS;
use crate::time::Millis;
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

/// The earliest custom date the date picker offers.
pub fn tomorrow(now: Millis) -> String {
    let day = crate::time::to_datetime(now + 86_400_000).map(|t| t.date_naive());
    day.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Seconds from `now` until 00:00 UTC on the chosen date.
fn custom_seconds(date: &str, now: Millis) -> Result<i64, String> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| String::from("Pick a date."))?;
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or("Pick a valid date.")?;
    let seconds = (midnight - now) / 1000;
    if seconds < 60 {
        return Err(String::from("Pick a date after today."));
    }
    if seconds > MAX_SECONDS {
        return Err(String::from("Pick a date at most 10 years ahead."));
    }
    Ok(seconds)
}

/// The select's value (`choice`, with `custom_date` for "Custom date…") as a request's
/// `expiresIn`, or the message to show beside the field.
pub fn expires_in(
    choice: &str,
    custom_date: &str,
    now: Millis,
) -> Result<serde_json::Value, String> {
    match choice {
        "never" => Ok(serde_json::Value::Null),
        "custom" => custom_seconds(custom_date, now).map(serde_json::Value::from),
        value if EXPIRATIONS.iter().any(|(v, _)| *v == value) => value
            .parse::<i64>()
            .map(serde_json::Value::from)
            .map_err(|_| String::from("Choose an expiration.")),
        _ => Err(String::from("Choose an expiration.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn custom_dates_must_be_ahead_and_within_ten_years() {
        let now = Utc
            .with_ymd_and_hms(2030, 5, 1, 12, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(custom_seconds("2030-05-02", now), Ok(12 * 3600));
        assert!(custom_seconds("2030-05-01", now).is_err());
        assert!(custom_seconds("2045-01-01", now).is_err());
        assert!(custom_seconds("not a date", now).is_err());
        assert_eq!(tomorrow(now), "2030-05-02");
    }
}
