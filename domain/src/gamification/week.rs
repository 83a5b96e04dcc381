//! Weeks for weekly leaderboards: ISO weeks, Monday to Sunday, by the day each action counts on.

use chrono::{Datelike, Duration, NaiveDate};

/// The Monday that starts the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let monday = NaiveDate::from_ymd_opt(2031, 3, 3).unwrap_or_default();
        for offset in 0..7 {
            assert_eq!(week_start(monday + Duration::days(offset)), monday);
        }
        assert_eq!(
            week_start(monday + Duration::days(7)),
            monday + Duration::days(7)
        );
        assert_eq!(
            week_start(monday - Duration::days(1)),
            monday - Duration::days(7)
        );
    }
}
