//! Per-member limits on engagement: each member gets one quota a minute per kind of action,
//! across all API nodes, counted by the shared [`RateLimiter`].

use super::{Quota, RateLimiter};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use lyceum_domain::Code;
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
    pub const ALL: [Limit; 6] = [
        Limit::Comment,
        Limit::View,
        Limit::Like,
        Limit::Share,
        Limit::Report,
        Limit::Completion,
    ];

    /// How many actions a minute admits.
    pub fn quota(self) -> Quota {
        let per_minute = match self {
            Limit::Comment | Limit::Share => 30,
            Limit::View => 120,
            Limit::Like | Limit::Completion => 60,
            Limit::Report => 10,
        };
        Quota::new(per_minute, 60)
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

    /// The counter of `member`'s actions of this kind.
    fn bucket(self, member: Uuid) -> String {
        let kind = match self {
            Limit::Comment => "comment",
            Limit::View => "view",
            Limit::Like => "like",
            Limit::Share => "share",
            Limit::Report => "report",
            Limit::Completion => "completion",
        };
        format!("member:{member}:{kind}")
    }
}

impl RateLimiter {
    /// Counts an action of `member` at `now`, or refuses it with `rate_limited` and the seconds
    /// until the window ends.
    pub async fn check(
        &self,
        member: Uuid,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let quota = limit.quota();
        match self.count(&limit.bucket(member), quota, now).await? {
            Some(tally) if !tally.admitted() => Err(ApiError::new(
                Code::RateLimited,
                format!(
                    "at most {} {} a minute; retry in {} s",
                    quota.limit,
                    limit.noun(),
                    tally.reset
                ),
            )
            .with_retry_after(tally.reset)),
            _ => Ok(()),
        }
    }
}
