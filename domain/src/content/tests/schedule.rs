//! Scheduled publication: set for a future time, replaced, withdrawn, and published once when
//! due.

use super::*;
use crate::Code;
use crate::aggregate::testing::given;
use chrono::{Duration, TimeZone, Utc};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap()
}

fn scheduled(hours: i64) -> ContentEvent {
    ContentEvent::ContentScheduled {
        publish_at: now() + Duration::hours(hours),
    }
}

fn schedule(hours: i64) -> ContentCommand {
    ContentCommand::Schedule {
        publish_at: now() + Duration::hours(hours),
        now: now(),
    }
}

#[test]
fn a_draft_is_scheduled_for_a_future_time_and_rescheduled() {
    given::<Content>(vec![drafted()])
        .when(schedule(2))
        .then_expect_events(vec![scheduled(2)]);
    given::<Content>(vec![drafted(), scheduled(2)])
        .when(schedule(5))
        .then_expect_events(vec![scheduled(5)]);
    given::<Content>(vec![drafted(), scheduled(2)])
        .when(schedule(2))
        .then_expect_events(vec![]);
}

#[test]
fn a_time_not_in_the_future_is_refused() {
    for hours in [0, -1] {
        given::<Content>(vec![drafted()])
            .when(schedule(hours))
            .then_expect_error(Code::ValidationFailed);
    }
}

#[test]
fn a_published_item_is_not_scheduled() {
    given::<Content>(vec![drafted(), ContentEvent::ContentPublished {}])
        .when(schedule(2))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_due_publication_happens_once() {
    let due = ContentCommand::PublishDue {
        now: now() + Duration::hours(2),
    };
    given::<Content>(vec![drafted(), scheduled(2)])
        .when(due.clone())
        .then_expect_events(vec![ContentEvent::ContentPublished {}]);
    given::<Content>(vec![
        drafted(),
        scheduled(2),
        ContentEvent::ContentPublished {},
    ])
    .when(due)
    .then_expect_error(Code::InvalidTransition);
}

#[test]
fn nothing_is_published_early_or_without_a_schedule() {
    given::<Content>(vec![drafted(), scheduled(2)])
        .when(ContentCommand::PublishDue {
            now: now() + Duration::hours(1),
        })
        .then_expect_error(Code::InvalidTransition);
    given::<Content>(vec![drafted()])
        .when(ContentCommand::PublishDue { now: now() })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn withdrawing_or_publishing_by_hand_cancels_the_schedule() {
    given::<Content>(vec![drafted(), scheduled(2)])
        .when(ContentCommand::Unschedule)
        .then_expect_events(vec![ContentEvent::ContentUnscheduled {}]);
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Unschedule)
        .then_expect_error(Code::InvalidTransition);
    for cancelled in [
        vec![drafted(), scheduled(2), ContentEvent::ContentUnscheduled {}],
        vec![drafted(), scheduled(2), ContentEvent::ContentPublished {}],
        vec![drafted(), scheduled(2), ContentEvent::ContentArchived {}],
    ] {
        given::<Content>(cancelled)
            .when(ContentCommand::PublishDue {
                now: now() + Duration::days(1),
            })
            .then_expect_error(Code::InvalidTransition);
    }
}
