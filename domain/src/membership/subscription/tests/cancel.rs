//! Cancel at period end, resume, expiry, immediate cancel, abandoned first payments and comps.

use super::*;

fn scheduled(effective_at: DateTime<Utc>, now: DateTime<Utc>) -> SubscriptionEvent {
    SubscriptionEvent::CancellationScheduled {
        effective_at,
        scheduled_at: now,
    }
}

fn comp_granted() -> SubscriptionEvent {
    SubscriptionEvent::CompGranted {
        space_id: SPACE,
        member_id: ADA,
        tier_id: PLUS,
        reason: CompReason::Gift,
        granted_at: apr1(),
        until: day(7, 1),
    }
}

#[test]
fn cancel_at_period_end_is_scheduled_for_the_period_end_and_repeats_quietly() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::CancelAtPeriodEnd { now: day(4, 10) })
        .then_expect_events(vec![scheduled(may1(), day(4, 10))]);
    let history = with(active(eur(1000)), vec![scheduled(may1(), day(4, 10))]);
    assert_eq!(after(&history).status(), Some(SubscriptionStatus::Active));
    given::<Subscription>(history)
        .when(SubscriptionCommand::CancelAtPeriodEnd { now: day(4, 11) })
        .then_expect_events(vec![]);
}

#[test]
fn a_member_resumes_before_the_period_end() {
    let history = with(active(eur(1000)), vec![scheduled(may1(), day(4, 10))]);
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Resume {
            now: at(2025, 4, 30, 23),
        })
        .then_expect_events(vec![SubscriptionEvent::CancellationWithdrawn {
            withdrawn_at: at(2025, 4, 30, 23),
        }]);
    let resumed = with(
        history,
        vec![SubscriptionEvent::CancellationWithdrawn {
            withdrawn_at: day(4, 20),
        }],
    );
    assert_eq!(after(&resumed).next_due(), Some((may1(), DueAction::Renew)));
    given::<Subscription>(resumed.clone())
        .when(SubscriptionCommand::Resume { now: day(4, 21) })
        .then_expect_events(vec![]);
    given::<Subscription>(resumed)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(1000), may1())]);
}

#[test]
fn resuming_at_or_after_the_period_end_is_too_late() {
    let history = with(active(eur(1000)), vec![scheduled(may1(), day(4, 10))]);
    given::<Subscription>(history)
        .when(SubscriptionCommand::Resume { now: may1() })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_scheduled_cancellation_expires_at_period_end_and_not_before() {
    let history = with(active(eur(1000)), vec![scheduled(may1(), day(4, 10))]);
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Expire {
            now: at(2025, 4, 30, 23),
        })
        .then_expect_error(Code::InvalidTransition);
    // The expiry ran late; access still ended at the period end.
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Expire { now: day(5, 2) })
        .then_expect_events(vec![canceled(CancelReason::Requested, may1())]);
    given::<Subscription>(history)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn expire_without_anything_to_expire_is_refused() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::Expire { now: jun1() })
        .then_expect_error(Code::InvalidTransition);
    given::<Subscription>(past_due_in_may())
        .when(SubscriptionCommand::Expire { now: jun1() })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_trial_set_to_cancel_ends_at_trial_end_without_a_charge() {
    given::<Subscription>(trialing(eur(1000)))
        .when(SubscriptionCommand::CancelAtPeriodEnd { now: day(3, 5) })
        .then_expect_events(vec![scheduled(mar15(), day(3, 5))]);
    let history = with(trialing(eur(1000)), vec![scheduled(mar15(), day(3, 5))]);
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::EndTrial {
            now: mar15(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
    given::<Subscription>(history)
        .when(SubscriptionCommand::Expire { now: mar15() })
        .then_expect_events(vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            canceled(CancelReason::Requested, mar15()),
        ]);
}

#[test]
fn cancel_ends_any_open_subscription_at_once_and_only_once() {
    for history in [
        trialing(eur(1000)),
        active(eur(1000)),
        vec![started(eur(1000), None, apr1())],
        vec![comp_granted()],
    ] {
        given::<Subscription>(history)
            .when(SubscriptionCommand::Cancel { now: day(4, 10) })
            .then_expect_events(vec![canceled(CancelReason::Requested, day(4, 10))]);
    }
    let ended = with(
        active(eur(1000)),
        vec![canceled(CancelReason::Requested, day(4, 10))],
    );
    assert!(!SubscriptionStatus::Canceled.grants_access());
    for command in [
        SubscriptionCommand::Cancel { now: day(4, 11) },
        SubscriptionCommand::Resume { now: day(4, 11) },
        SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        },
    ] {
        given::<Subscription>(ended.clone())
            .when(command)
            .then_expect_error(Code::InvalidTransition);
    }
}

#[test]
fn a_ban_ends_the_subscription_at_once_with_its_own_reason() {
    for history in [
        trialing(eur(1000)),
        active(eur(1000)),
        with(
            active(eur(1000)),
            vec![canceled(CancelReason::Requested, day(4, 10))],
        ),
    ] {
        let open = !history
            .iter()
            .any(|e| matches!(e, SubscriptionEvent::SubscriptionCanceled { .. }));
        let then = given::<Subscription>(history)
            .when(SubscriptionCommand::CancelForBan { now: day(4, 12) });
        if open {
            then.then_expect_events(vec![canceled(CancelReason::MemberBanned, day(4, 12))]);
        } else {
            then.then_expect_error(Code::InvalidTransition);
        }
    }
}

#[test]
fn an_unpaid_subscription_expires_after_23_hours() {
    let history = vec![started(eur(1000), None, apr1())];
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Expire {
            now: at(2025, 4, 1, 22),
        })
        .then_expect_error(Code::InvalidTransition);
    given::<Subscription>(history)
        .when(SubscriptionCommand::Expire {
            now: at(2025, 4, 2, 0),
        })
        .then_expect_events(vec![canceled(
            CancelReason::IncompleteExpired,
            at(2025, 4, 1, 23),
        )]);
}

#[test]
fn a_comp_is_active_without_payment_until_it_expires() {
    given_no_history::<Subscription>()
        .when(SubscriptionCommand::Comp {
            space_id: SPACE,
            member_id: ADA,
            tier_id: PLUS,
            reason: CompReason::Gift,
            until: day(7, 1),
            now: apr1(),
        })
        .then_expect_events(vec![comp_granted()]);
    let comp = after(&[comp_granted()]);
    assert_eq!(comp.status(), Some(SubscriptionStatus::Active));
    assert_eq!(comp.amount_due(), Ok(None));
    given::<Subscription>(vec![comp_granted()])
        .when(SubscriptionCommand::Expire {
            now: at(2025, 6, 30, 23),
        })
        .then_expect_error(Code::InvalidTransition);
    given::<Subscription>(vec![comp_granted()])
        .when(SubscriptionCommand::Expire { now: day(7, 1) })
        .then_expect_events(vec![SubscriptionEvent::CompExpired { until: day(7, 1) }]);
    let expired = after(&[
        comp_granted(),
        SubscriptionEvent::CompExpired { until: day(7, 1) },
    ]);
    assert_eq!(expired.status(), Some(SubscriptionStatus::Canceled));
    assert_eq!(expired.state.and_then(|s| s.ended_at), Some(day(7, 1)));
}

#[test]
fn a_comp_must_end_in_the_future_and_is_never_billed() {
    given_no_history::<Subscription>()
        .when(SubscriptionCommand::Comp {
            space_id: SPACE,
            member_id: ADA,
            tier_id: PLUS,
            reason: CompReason::Comp,
            until: apr1(),
            now: apr1(),
        })
        .then_expect_error(Code::ValidationFailed);
    for command in [
        SubscriptionCommand::Renew {
            now: day(7, 1),
            charge: ok(eur(1000)),
        },
        SubscriptionCommand::CancelAtPeriodEnd { now: day(4, 2) },
        SubscriptionCommand::ChangeTier {
            new_tier_id: PREMIUM,
            new_price: eur(2000),
            direction: ChangeDirection::Upgrade,
            payment: None,
            now: day(4, 2),
        },
    ] {
        given::<Subscription>(vec![comp_granted()])
            .when(command)
            .then_expect_error(Code::InvalidTransition);
    }
}
