//! Check-in streaks: a member's run of consecutive days in one project. Pure arithmetic over
//! calendar days, shared by the aggregate (which records the run each check-in reaches) and the
//! read model (which says what the run is worth today).

use chrono::NaiveDate;

/// A member's check-in record in one project.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Streak {
    /// The day of the latest check-in.
    pub last_day: Option<NaiveDate>,
    /// Consecutive days ending on `last_day`.
    pub run: u32,
    /// The longest run ever reached.
    pub longest: u32,
    /// Every check-in.
    pub total: u32,
}

impl Streak {
    /// The record after a check-in on `day`, which the caller has checked is later than
    /// `last_day`: the run grows when `day` follows `last_day`, and starts again at 1 after a gap.
    pub fn after(self, day: NaiveDate) -> Streak {
        let follows = self.last_day.and_then(|last| last.succ_opt()) == Some(day);
        let run = if follows {
            self.run.saturating_add(1)
        } else {
            1
        };
        Streak {
            last_day: Some(day),
            run,
            longest: self.longest.max(run),
            total: self.total.saturating_add(1),
        }
    }

    /// The current streak as seen on `today`: the run while it can still grow (its last day is
    /// today or yesterday), and 0 once a day was missed.
    pub fn current_on(&self, today: NaiveDate) -> u32 {
        match self.last_day {
            Some(last) if last == today || last.succ_opt() == Some(today) => self.run,
            _ => 0,
        }
    }

    /// Whether the member checked in on `today`.
    pub fn checked_in_on(&self, today: NaiveDate) -> bool {
        self.last_day == Some(today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, d).unwrap_or_default()
    }

    fn after(days: &[u32]) -> Streak {
        days.iter()
            .fold(Streak::default(), |streak, d| streak.after(day(*d)))
    }

    #[test]
    fn consecutive_days_grow_the_run() {
        let streak = after(&[1, 2, 3]);
        assert_eq!(
            (streak.run, streak.longest, streak.total, streak.last_day),
            (3, 3, 3, Some(day(3)))
        );
    }

    #[test]
    fn a_gap_starts_the_run_again_but_keeps_the_longest() {
        let streak = after(&[1, 2, 3, 5, 6]);
        assert_eq!((streak.run, streak.longest, streak.total), (2, 3, 5));
        let longer = after(&[1, 2, 4, 5, 6, 7]);
        assert_eq!((longer.run, longer.longest), (4, 4));
    }

    #[test]
    fn the_current_streak_lasts_until_a_day_is_missed() {
        let streak = after(&[1, 2, 3]);
        assert_eq!(streak.current_on(day(3)), 3, "checked in today");
        assert_eq!(streak.current_on(day(4)), 3, "today is still open");
        assert_eq!(streak.current_on(day(5)), 0, "yesterday was missed");
        assert_eq!(Streak::default().current_on(day(1)), 0);
        assert!(streak.checked_in_on(day(3)));
        assert!(!streak.checked_in_on(day(4)));
    }

    #[test]
    fn runs_cross_month_and_year_ends() {
        let new_year = [
            NaiveDate::from_ymd_opt(2030, 12, 31),
            NaiveDate::from_ymd_opt(2031, 1, 1),
        ];
        let streak = new_year
            .iter()
            .flatten()
            .fold(Streak::default(), |s, d| s.after(*d));
        assert_eq!(streak.run, 2);
    }
}
