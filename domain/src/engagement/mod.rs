//! Engagement: what members do with the items they may read (views, likes, shares, comments,
//! lesson progress, reports) and what moderators do about it. Every aggregate here is pure:
//! the caller checks access to the item, looks up the author's standing, the comment replied
//! to and the course's lessons, reads the clock, and seals personal text before deciding.

pub mod comment;
pub mod interaction;
pub mod progress;
pub mod report;

use crate::error::{Code, DomainError};
use crate::ids::{ContentId, MemberId};
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The most characters a moderator's reason or note may have.
pub const MAX_REASON: usize = 500;

/// The id of the stream that one member's engagement with one item lives in (`kind` tells the
/// aggregates apart): the same pair always gets the same id, so two requests about the same
/// pair meet on one stream and its optimistic concurrency.
pub fn pair_id(kind: &str, member: MemberId, item: ContentId) -> Uuid {
    let mut hasher = Sha256::new();
    hasher.update(b"lyceum:");
    hasher.update(kind.as_bytes());
    hasher.update(member.0.as_bytes());
    hasher.update(item.0.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// What the caller looked up about a member before they post: whether a moderator muted them
/// (until when) or banned them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    pub muted_until: Option<DateTime<Utc>>,
    pub banned: bool,
}

impl Standing {
    /// Refuses a member who may not post at `now`: banned (`forbidden`) or muted
    /// (`member_muted`, saying when the mute ends).
    pub fn check_may_post(&self, now: DateTime<Utc>) -> Result<(), DomainError> {
        if self.banned {
            return Err(DomainError::new(
                Code::Forbidden,
                "the member is banned from this space",
            ));
        }
        match self.muted_until {
            Some(until) if now < until => Err(DomainError::new(
                Code::MemberMuted,
                format!(
                    "you are muted until {} and cannot post",
                    until.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// An optional moderator's reason or note: trimmed, blank means none, at most [`MAX_REASON`].
pub fn optional_reason(field: &str, raw: Option<String>) -> Result<Option<String>, DomainError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => crate::values::bounded_text(field, text, MAX_REASON).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_pair_always_gets_the_same_stream_and_pairs_differ() {
        let (a, b) = (MemberId::new(), MemberId::new());
        let item = ContentId::new();
        assert_eq!(pair_id("x", a, item), pair_id("x", a, item));
        assert_ne!(pair_id("x", a, item), pair_id("x", b, item));
        assert_ne!(pair_id("x", a, item), pair_id("y", a, item));
    }

    #[test]
    fn muted_members_may_post_again_once_the_mute_ends() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let muted = Standing {
            muted_until: Some(now + chrono::Duration::minutes(30)),
            banned: false,
        };
        let refused = muted.check_may_post(now).map_err(|e| e.code);
        assert_eq!(refused, Err(Code::MemberMuted));
        assert!(
            muted
                .check_may_post(now)
                .is_err_and(|e| e.detail.contains("2026-03-01T12:30:00Z"))
        );
        assert_eq!(
            muted.check_may_post(now + chrono::Duration::minutes(30)),
            Ok(())
        );
        let banned = Standing {
            muted_until: None,
            banned: true,
        };
        assert_eq!(
            banned.check_may_post(now).map_err(|e| e.code),
            Err(Code::Forbidden)
        );
    }
}
