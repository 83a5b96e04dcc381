//! given/when/then for comments: posting and replying, muted and banned authors, edits and
//! deletion by the author only, and moderation.

use super::*;
use crate::aggregate::testing::{given, given_no_history};
use chrono::TimeZone;
use uuid::Uuid;

const SPACE: SpaceId = SpaceId(Uuid::from_u128(1));
const ITEM: ContentId = ContentId(Uuid::from_u128(2));
const AUTHOR: MemberId = MemberId(Uuid::from_u128(3));
const OTHER: MemberId = MemberId(Uuid::from_u128(4));
const ID: CommentId = CommentId(Uuid::from_u128(5));
const PARENT: CommentId = CommentId(Uuid::from_u128(6));

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn post(parent: Option<ParentRef>, author: Standing) -> CommentCommand {
    CommentCommand::Post {
        comment_id: ID,
        space_id: SPACE,
        content_id: ITEM,
        parent,
        member_id: AUTHOR,
        body: Sealed("sealed".into()),
        author,
        now: now(),
    }
}

fn posted(parent_id: Option<CommentId>) -> CommentEvent {
    CommentEvent::CommentPosted {
        comment_id: ID,
        space_id: SPACE,
        content_id: ITEM,
        parent_id,
        member_id: AUTHOR,
        body: Sealed("sealed".into()),
    }
}

fn edit(by: MemberId, author: Standing) -> CommentCommand {
    CommentCommand::Edit {
        by,
        body: Sealed("sealed again".into()),
        author,
        now: now(),
    }
}

fn muted() -> Standing {
    Standing {
        muted_until: Some(now() + chrono::Duration::hours(1)),
        banned: false,
    }
}

fn deleted() -> CommentEvent {
    CommentEvent::CommentDeleted {
        comment_id: ID,
        content_id: ITEM,
        member_id: AUTHOR,
    }
}

fn hidden() -> CommentEvent {
    CommentEvent::CommentHidden {
        comment_id: ID,
        content_id: ITEM,
        member_id: AUTHOR,
        reason: Some("off topic".into()),
    }
}

fn removed() -> CommentEvent {
    CommentEvent::CommentRemoved {
        comment_id: ID,
        content_id: ITEM,
        member_id: AUTHOR,
        reason: None,
    }
}

#[test]
fn a_comment_and_a_reply_are_posted() {
    given_no_history::<Comment>()
        .when(post(None, Standing::default()))
        .then_expect_events(vec![posted(None)]);
    let parent = ParentRef {
        id: PARENT,
        content_id: ITEM,
        open: true,
    };
    given_no_history::<Comment>()
        .when(post(Some(parent), Standing::default()))
        .then_expect_events(vec![posted(Some(PARENT))]);
}

#[test]
fn a_reply_must_be_to_an_open_comment_on_the_same_item() {
    let elsewhere = ParentRef {
        id: PARENT,
        content_id: ContentId(Uuid::from_u128(99)),
        open: true,
    };
    given_no_history::<Comment>()
        .when(post(Some(elsewhere), Standing::default()))
        .then_expect_error(Code::ValidationFailed);
    let closed = ParentRef {
        id: PARENT,
        content_id: ITEM,
        open: false,
    };
    given_no_history::<Comment>()
        .when(post(Some(closed), Standing::default()))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_muted_member_may_not_post_or_edit_until_the_mute_ends() {
    given_no_history::<Comment>()
        .when(post(None, muted()))
        .then_expect_error(Code::MemberMuted);
    given::<Comment>(vec![posted(None)])
        .when(edit(AUTHOR, muted()))
        .then_expect_error(Code::MemberMuted);
    let ended = Standing {
        muted_until: Some(now()),
        banned: false,
    };
    given_no_history::<Comment>()
        .when(post(None, ended))
        .then_expect_events(vec![posted(None)]);
}

#[test]
fn a_banned_member_may_not_post() {
    let banned = Standing {
        muted_until: None,
        banned: true,
    };
    given_no_history::<Comment>()
        .when(post(None, banned))
        .then_expect_error(Code::Forbidden);
}

#[test]
fn only_the_author_edits_or_deletes() {
    given::<Comment>(vec![posted(None)])
        .when(edit(AUTHOR, Standing::default()))
        .then_expect_events(vec![CommentEvent::CommentEdited {
            comment_id: ID,
            member_id: AUTHOR,
            body: Sealed("sealed again".into()),
        }]);
    given::<Comment>(vec![posted(None)])
        .when(edit(OTHER, Standing::default()))
        .then_expect_error(Code::Forbidden);
    given::<Comment>(vec![posted(None)])
        .when(CommentCommand::Delete { by: OTHER })
        .then_expect_error(Code::Forbidden);
    given::<Comment>(vec![posted(None)])
        .when(CommentCommand::Delete { by: AUTHOR })
        .then_expect_events(vec![deleted()]);
}

#[test]
fn deleting_twice_changes_nothing_and_a_deleted_comment_cannot_be_edited() {
    given::<Comment>(vec![posted(None), deleted()])
        .when(CommentCommand::Delete { by: AUTHOR })
        .then_expect_events(vec![]);
    given::<Comment>(vec![posted(None), deleted()])
        .when(edit(AUTHOR, Standing::default()))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn moderators_hide_and_remove() {
    given::<Comment>(vec![posted(None)])
        .when(CommentCommand::Hide {
            reason: Some(" off topic ".into()),
        })
        .then_expect_events(vec![hidden()]);
    given::<Comment>(vec![posted(None), hidden()])
        .when(CommentCommand::Hide { reason: None })
        .then_expect_events(vec![]);
    given::<Comment>(vec![posted(None), hidden()])
        .when(CommentCommand::Remove {
            reason: Some("  ".into()),
        })
        .then_expect_events(vec![removed()]);
    given::<Comment>(vec![posted(None), hidden()])
        .when(edit(AUTHOR, Standing::default()))
        .then_expect_error(Code::InvalidTransition);
    given::<Comment>(vec![posted(None), removed()])
        .when(CommentCommand::Hide { reason: None })
        .then_expect_error(Code::InvalidTransition);
    given::<Comment>(vec![posted(None), removed()])
        .when(CommentCommand::Delete { by: AUTHOR })
        .then_expect_error(Code::InvalidTransition);
    given::<Comment>(vec![posted(None), deleted()])
        .when(CommentCommand::Remove { reason: None })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_reason_is_bounded_and_unknown_comments_are_not_found() {
    given::<Comment>(vec![posted(None)])
        .when(CommentCommand::Hide {
            reason: Some("x".repeat(super::super::MAX_REASON + 1)),
        })
        .then_expect_error(Code::ValidationFailed);
    given_no_history::<Comment>()
        .when(CommentCommand::Delete { by: AUTHOR })
        .then_expect_error(Code::NotFound);
    given::<Comment>(vec![posted(None)])
        .when(post(None, Standing::default()))
        .then_expect_error(Code::Conflict);
}

#[test]
fn comment_text_is_trimmed_and_bounded() {
    assert_eq!(
        CommentText::parse("  Great lesson ").map(|t| t.as_str().to_owned()),
        Ok("Great lesson".to_owned())
    );
    assert!(CommentText::parse("   ").is_err());
    assert!(CommentText::parse(&"x".repeat(MAX_COMMENT + 1)).is_err());
}

#[test]
fn events_survive_the_log_and_are_subscribable() -> Result<(), serde_json::Error> {
    for event in [posted(Some(PARENT)), deleted(), hidden(), removed()] {
        let stored = crate::event::encode(&event)?;
        assert!(crate::webhook::EVENT_TYPES.contains(&stored.event_type.as_str()));
        let back: CommentEvent =
            crate::event::decode(&stored.event_type, stored.event_version, stored.payload)?;
        assert_eq!(back, event);
    }
    Ok(())
}
