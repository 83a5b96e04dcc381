//! Per-member rate limits on engagement: a sliding window per member and kind of action,
//! counted on the injected clock. The counts live in this process: with several API nodes,
//! each node admits up to the limit on its own (a member spread over N nodes gets up to N
//! times as many), which is enough to stop a runaway script, not a determined abuser.

use crate::error::ApiError;
use chrono::{DateTime, Duration, Utc};
use lyceum_domain::Code;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use uuid::Uuid;

/// A kind of engagement with its own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Posting or editing a comment: 30 a minute.
    Comment,
    /// Recording a view: 120 a minute.
    View,
    /// Liking or unliking: 60 a minute.
    Like,
    /// Sharing: 30 a minute.
    Share,
    /// Reporting: 10 a minute.
    Report,
    /// Completing a lesson: 60 a minute.
    Completion,
}

impl Limit {
    /// How many actions the window admits, and the window.
    pub fn quota(self) -> (usize, Duration) {
        let minute = Duration::minutes(1);
        match self {
            Limit::Comment | Limit::Share => (30, minute),
            Limit::View => (120, minute),
            Limit::Like | Limit::Completion => (60, minute),
            Limit::Report => (10, minute),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Limit::Comment => "comments",
            Limit::View => "views",
            Limit::Like => "likes",
            Limit::Share => "shares",
            Limit::Report => "reports",
            Limit::Completion => "lesson completions",
        }
    }
}

/// Above this many tracked windows, idle ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// The times of the actions still in one window, oldest first.
type Window = VecDeque<DateTime<Utc>>;

/// The windows of every member and kind of action seen lately.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<(Uuid, Limit), Window>>,
}

impl RateLimiter {
    /// Counts an action of `member` at `now`, or refuses it with `rate_limited` and the seconds
    /// after which the oldest action in the window leaves it.
    pub fn check(&self, member: Uuid, limit: Limit, now: DateTime<Utc>) -> Result<(), ApiError> {
        let (max, window) = limit.quota();
        let mut windows = self
            .windows
            .lock()
            .map_err(|_| ApiError::internal(anyhow::anyhow!("rate limiter poisoned")))?;
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, hits| hits.back().is_some_and(|last| *last + window > now));
        }
        let hits = windows.entry((member, limit)).or_default();
        while hits.front().is_some_and(|first| *first + window <= now) {
            hits.pop_front();
        }
        if hits.len() >= max {
            let wait = hits
                .front()
                .map_or(window, |first| *first + window - now)
                .num_milliseconds();
            // Whole seconds, rounded up, never 0.
            let seconds = u32::try_from((wait + 999) / 1000)
                .unwrap_or(u32::MAX)
                .max(1);
            return Err(ApiError::new(
                Code::RateLimited,
                format!(
                    "at most {max} {} a minute; retry in {seconds} s",
                    limit.noun()
                ),
            )
            .with_retry_after(seconds));
        }
        hits.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_window_admits_its_quota_then_refuses_until_the_oldest_leaves() {
        let limiter = RateLimiter::default();
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let member = Uuid::new_v4();
        for n in 0..10 {
            let at = start + Duration::seconds(n);
            assert!(limiter.check(member, Limit::Report, at).is_ok(), "{n}");
        }
        let refused = limiter
            .check(member, Limit::Report, start + Duration::seconds(30))
            .unwrap_err();
        assert_eq!(refused.code, Code::RateLimited);
        assert_eq!(refused.retry_after, Some(30));
        assert!(limiter.check(Uuid::new_v4(), Limit::Report, start).is_ok());
        assert!(limiter.check(member, Limit::Comment, start).is_ok());
        assert!(
            limiter
                .check(member, Limit::Report, start + Duration::seconds(60))
                .is_ok()
        );
    }
}
