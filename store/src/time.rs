//! Timestamps as stored: RFC 3339 UTC text with microseconds and a fixed width, so that text
//! order is time order on both backends.

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats a time the way the store keeps it.
pub fn format(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The current time, formatted for storage.
pub fn now() -> String {
    format(Utc::now())
}

/// Parses a stored time.
pub fn parse(text: &str) -> Result<DateTime<Utc>, crate::StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| crate::StoreError::Corrupt(format!("bad timestamp {text:?}: {e}")))
}
