//! given/when/then for moderating a member: mutes that end, unmutes, and bans that end the
//! membership for good.

use super::*;
use crate::aggregate::testing::given;
use crate::engagement::Standing;
use chrono::TimeZone;
use uuid::Uuid;

fn added() -> MemberEvent {
    MemberEvent::MemberAdded {
        space_id: SpaceId(Uuid::nil()),
        email: Sealed("sealed-email".into()),
        display_name: Sealed("sealed-name".into()),
        external_id: None,
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn muted(hours: i64) -> MemberEvent {
    MemberEvent::MemberMuted {
        until: now() + Duration::hours(hours),
        reason: Some("spam".into()),
    }
}

fn mute(hours: i64) -> MemberCommand {
    MemberCommand::Mute {
        until: now() + Duration::hours(hours),
        now: now(),
        reason: Some(" spam ".into()),
    }
}

#[test]
fn a_member_is_muted_for_a_while_and_the_mute_can_be_changed() {
    given::<Member>(vec![added()])
        .when(mute(1))
        .then_expect_events(vec![muted(1)]);
    given::<Member>(vec![added(), muted(1)])
        .when(mute(24))
        .then_expect_events(vec![muted(24)]);
}

#[test]
fn a_mute_must_end_in_the_future_and_within_a_year() {
    for hours in [0, -1, MAX_MUTE_DAYS * 24 + 1] {
        given::<Member>(vec![added()])
            .when(mute(hours))
            .then_expect_error(Code::ValidationFailed);
    }
}

#[test]
fn the_standing_says_until_when_a_member_is_muted() {
    let mut member = Member::default();
    for event in [added(), muted(2)] {
        member.apply(&event);
    }
    let standing = member.state.as_ref().map(MemberState::standing);
    assert_eq!(
        standing,
        Some(Standing {
            muted_until: Some(now() + Duration::hours(2)),
            banned: false
        })
    );
}

#[test]
fn unmuting_ends_a_running_mute_and_is_quiet_otherwise() {
    given::<Member>(vec![added(), muted(1)])
        .when(MemberCommand::Unmute { now: now() })
        .then_expect_events(vec![MemberEvent::MemberUnmuted {}]);
    given::<Member>(vec![added(), muted(1)])
        .when(MemberCommand::Unmute {
            now: now() + Duration::hours(2),
        })
        .then_expect_events(vec![]);
    given::<Member>(vec![added()])
        .when(MemberCommand::Unmute { now: now() })
        .then_expect_events(vec![]);
}

#[test]
fn a_ban_ends_the_membership_for_good_and_repeats_quietly() {
    let banned = MemberEvent::MemberBanned {
        reason: Some("harassment".into()),
    };
    given::<Member>(vec![added(), muted(1)])
        .when(MemberCommand::Ban {
            reason: Some("harassment".into()),
        })
        .then_expect_events(vec![banned.clone()]);
    let history = vec![added(), banned];
    given::<Member>(history.clone())
        .when(MemberCommand::Ban { reason: None })
        .then_expect_events(vec![]);
    given::<Member>(history.clone())
        .when(mute(1))
        .then_expect_error(Code::InvalidTransition);
    given::<Member>(history.clone())
        .when(MemberCommand::Remove)
        .then_expect_error(Code::InvalidTransition);
    let mut member = Member::default();
    for event in &history {
        member.apply(event);
    }
    let state = member
        .state
        .as_ref()
        .map(|s| (s.removed, s.standing().banned));
    assert_eq!(state, Some((true, true)));
}

#[test]
fn a_removed_member_cannot_be_muted_or_banned() {
    for command in [mute(1), MemberCommand::Ban { reason: None }] {
        given::<Member>(vec![added(), MemberEvent::MemberRemoved {}])
            .when(command)
            .then_expect_error(Code::InvalidTransition);
    }
}

#[test]
fn moderation_events_are_subscribable() {
    for name in ["MemberMuted", "MemberUnmuted", "MemberBanned"] {
        assert!(crate::webhook::EVENT_TYPES.contains(&name), "{name}");
    }
}
