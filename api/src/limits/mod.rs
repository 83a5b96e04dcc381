//! Rate limits, counted in the database so that every API node shares them: a fixed window
//! per bucket, bumped once per hit (`lyceum_store::rate_limits`). Two kinds of bucket use the
//! one counter: every request's caller ([`middleware`]: an API key or member session by the
//! SHA-256 of its secret, anyone else by client address) and a member's kind of engagement
//! ([`Limit`]). Windows are read off the injected clock.
//!
//! A database out of reach answers 503 `unavailable` (the request could not be served
//! without it anyway, and that is what every other route answers then); any other failure to
//! count is logged and the request let through, so the limiter alone never fails a request.

mod engagement;
mod middleware;

pub use engagement::Limit;
pub use middleware::middleware;

use crate::error::ApiError;
use chrono::{DateTime, Utc};
use lyceum_store::Db;
use std::sync::atomic::{AtomicI64, Ordering};

/// At most `limit` hits per fixed window of `window` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    window: u32,
}

impl Quota {
    /// A quota of `limit` hits per `window` seconds (at least one).
    pub const fn new(limit: u32, window: u32) -> Self {
        Self {
            limit,
            window: if window == 0 { 1 } else { window },
        }
    }

    /// The window's length in seconds.
    pub fn window(self) -> u32 {
        self.window
    }

    /// The window `now` falls in: its start (Unix seconds) and the whole seconds until it ends
    /// (from 1 to the window's length).
    pub fn window_at(self, now: DateTime<Utc>) -> (i64, u32) {
        let window = i64::from(self.window);
        let seconds = now.timestamp();
        let start = seconds.div_euclid(window) * window;
        let reset = u32::try_from(start + window - seconds).unwrap_or(self.window);
        (start, reset)
    }
}

/// The quotas of the callers of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policies {
    /// Each API key and each member session.
    pub caller: Quota,
    /// Each client address sending no bearer secret.
    pub anonymous: Quota,
}

impl Default for Policies {
    /// 600 requests a minute per key or session, 120 per address without one.
    fn default() -> Self {
        Self {
            caller: Quota::new(600, 60),
            anonymous: Quota::new(120, 60),
        }
    }
}

/// What counting one hit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub quota: Quota,
    /// The window's hits, this one included.
    pub hits: i64,
    /// Seconds until the window ends.
    pub reset: u32,
}

impl Tally {
    /// Whether this hit is within the quota.
    pub fn admitted(&self) -> bool {
        self.hits <= i64::from(self.quota.limit)
    }

    /// How many more hits the window admits.
    pub fn remaining(&self) -> u32 {
        u32::try_from(i64::from(self.quota.limit) - self.hits).unwrap_or(0)
    }
}

/// How often (seconds on the clock) a node deletes ended windows.
const PRUNE_EVERY: i64 = 60;
/// How long an ended window is kept, beyond the longest window, so that a node whose clock is
/// ahead does not delete another node's current window.
const PRUNE_MARGIN: i64 = 300;

/// The one counter of every rate limit.
#[derive(Debug)]
pub struct RateLimiter {
    db: Db,
    /// The quotas of the API's callers.
    pub policies: Policies,
    /// When (Unix seconds) this node next deletes ended windows.
    next_prune: AtomicI64,
}

impl RateLimiter {
    pub fn new(db: Db, policies: Policies) -> Self {
        Self {
            db,
            policies,
            next_prune: AtomicI64::new(i64::MIN),
        }
    }

    /// Counts one hit on `bucket` at `now` against `quota`. `Ok(None)` when it could not be
    /// counted and the hit is let through (see the module's doc).
    pub async fn count(
        &self,
        bucket: &str,
        quota: Quota,
        now: DateTime<Utc>,
    ) -> Result<Option<Tally>, ApiError> {
        let (start, reset) = quota.window_at(now);
        let tally = match lyceum_store::rate_limits::hit(&self.db, bucket, start).await {
            Ok(hits) => Tally { quota, hits, reset },
            Err(error) if error.is_unavailable() => return Err(ApiError::internal(error)),
            Err(error) => {
                tracing::warn!(%error, "a rate limit could not be counted; the request is let through");
                return Ok(None);
            }
        };
        self.prune_now_and_then(now.timestamp()).await;
        Ok(Some(tally))
    }

    /// Deletes ended windows, on one request a minute per node.
    async fn prune_now_and_then(&self, now: i64) {
        let due = self.next_prune.load(Ordering::Relaxed);
        if now < due
            || self
                .next_prune
                .compare_exchange(due, now + PRUNE_EVERY, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let before = now - i64::from(self.longest_window()) - PRUNE_MARGIN;
        if let Err(error) = lyceum_store::rate_limits::prune(&self.db, before).await {
            tracing::warn!(%error, "ended rate-limit windows could not be deleted; retrying later");
        }
    }

    fn longest_window(&self) -> u32 {
        [self.policies.caller, self.policies.anonymous]
            .into_iter()
            .chain(Limit::ALL.map(Limit::quota))
            .map(Quota::window)
            .max()
            .unwrap_or(1)
    }
}

#[cfg(test)]
mod tests;
