//! When to try a failed delivery again: 30 s, doubling, at most 6 h apart, each delay jittered
//! by up to ±20 % so that deliveries that failed together do not retry together; a delivery
//! whose next attempt would fall more than 3 days after it was queued fails instead.

use chrono::{DateTime, Duration, Utc};

/// The delay before the first retry.
pub const FIRST_RETRY: Duration = Duration::seconds(30);
/// The longest delay between two attempts.
pub const LONGEST: Duration = Duration::hours(6);
/// How long after it was queued a delivery may still be tried.
pub const GIVE_UP_AFTER: Duration = Duration::days(3);

/// The time of the next attempt after `attempts` failed ones (at least 1), or `None` when the
/// delivery should fail. `jitter` is in `[-1, 1]` and scales the ±20 % spread.
pub fn next_attempt(
    attempts: i64,
    queued_at: DateTime<Utc>,
    now: DateTime<Utc>,
    jitter: f64,
) -> Option<DateTime<Utc>> {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(20);
    let base = (FIRST_RETRY * 2i32.pow(doublings)).min(LONGEST);
    let spread = (base.num_milliseconds() as f64 * 0.2 * jitter.clamp(-1.0, 1.0)) as i64;
    let at = now + base + Duration::milliseconds(spread);
    (at <= queued_at + GIVE_UP_AFTER).then_some(at)
}

/// A jitter in `[-1, 1]` from a random UUID (no extra dependency needed).
pub fn random_jitter() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u32;
    f64::from(bits) / f64::from(u32::MAX) * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap_or_default()
    }

    #[test]
    fn delays_start_at_30_seconds_and_double_up_to_six_hours() {
        let start = at(0);
        let delays: Vec<i64> = (1..=12)
            .map(|n| {
                next_attempt(n, start, start, 0.0)
                    .map(|t| (t - start).num_seconds())
                    .unwrap_or(-1)
            })
            .collect();
        assert_eq!(
            delays,
            [
                30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600
            ]
        );
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let start = at(0);
        let late = next_attempt(1, start, start, 1.0).map(|t| (t - start).num_seconds());
        let early = next_attempt(1, start, start, -1.0).map(|t| (t - start).num_seconds());
        assert_eq!((early, late), (Some(24), Some(36)));
        for _ in 0..100 {
            assert!((-1.0..=1.0).contains(&random_jitter()));
        }
    }

    #[test]
    fn attempts_stop_three_days_after_queueing() {
        let queued = at(0);
        let almost = queued + GIVE_UP_AFTER - Duration::hours(7);
        assert!(next_attempt(15, queued, almost, 0.0).is_some());
        let late = queued + GIVE_UP_AFTER - Duration::hours(5);
        assert_eq!(next_attempt(15, queued, late, 0.0), None);
    }

    #[test]
    fn a_schedule_with_steady_failures_ends_after_about_three_days() {
        let queued = at(0);
        let (mut now, mut attempts) = (queued, 1);
        while let Some(next) = next_attempt(attempts, queued, now, 0.0) {
            now = next;
            attempts += 1;
        }
        assert!(now <= queued + GIVE_UP_AFTER);
        assert!(now > queued + GIVE_UP_AFTER - LONGEST);
        assert_eq!(attempts, 21);
    }
}
