//! Failed renewals, dunning retries on the schedule, recovery and the final failure.

use super::*;

fn retry(now: DateTime<Utc>, charge: ChargeResult) -> SubscriptionCommand {
    SubscriptionCommand::RetryPayment { now, charge }
}

#[test]
fn a_failed_renewal_makes_the_subscription_past_due() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: declined(),
        })
        .then_expect_events(vec![
            failed(2, 1, eur(1000), may1(), Some(day(5, 2))),
            past_due(2, may1(), jun1(), may1()),
        ]);
    let past_due = after(&past_due_in_may());
    assert_eq!(past_due.status(), Some(SubscriptionStatus::PastDue));
    assert!(SubscriptionStatus::PastDue.grants_access());
}

#[test]
fn the_first_retry_is_a_day_after_the_failure_and_failing_schedules_the_second() {
    given::<Subscription>(past_due_in_may())
        .when(retry(day(5, 2), declined()))
        .then_expect_events(vec![failed(2, 2, eur(1000), day(5, 2), Some(day(5, 4)))]);
}

#[test]
fn the_second_retry_is_on_day_three_and_failing_schedules_the_third() {
    let history = with(
        past_due_in_may(),
        vec![failed(2, 2, eur(1000), day(5, 2), Some(day(5, 4)))],
    );
    given::<Subscription>(history)
        .when(retry(day(5, 4), declined()))
        .then_expect_events(vec![failed(2, 3, eur(1000), day(5, 4), Some(day(5, 6)))]);
}

#[test]
fn when_the_last_retry_on_day_five_fails_the_subscription_is_canceled() {
    let history = with(
        past_due_in_may(),
        vec![
            failed(2, 2, eur(1000), day(5, 2), Some(day(5, 4))),
            failed(2, 3, eur(1000), day(5, 4), Some(day(5, 6))),
        ],
    );
    given::<Subscription>(history.clone())
        .when(retry(day(5, 6), declined()))
        .then_expect_events(vec![
            failed(2, 4, eur(1000), day(5, 6), None),
            canceled(CancelReason::PaymentFailed, day(5, 6)),
        ]);
    let ended = with(
        history,
        vec![
            failed(2, 4, eur(1000), day(5, 6), None),
            canceled(CancelReason::PaymentFailed, day(5, 6)),
        ],
    );
    assert_eq!(after(&ended).status(), Some(SubscriptionStatus::Canceled));
    assert_eq!(after(&ended).next_due(), None);
}

#[test]
fn a_retry_before_it_is_due_or_a_repeated_one_is_refused() {
    given::<Subscription>(past_due_in_may())
        .when(retry(at(2025, 5, 1, 23), ok(eur(1000))))
        .then_expect_error(Code::InvalidTransition);
    // The first retry already ran; the same command arriving again is early for the second.
    let history = with(
        past_due_in_may(),
        vec![failed(2, 2, eur(1000), day(5, 2), Some(day(5, 4)))],
    );
    given::<Subscription>(history)
        .when(retry(day(5, 2), declined()))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_successful_retry_recovers_the_original_period() {
    let history = with(
        past_due_in_may(),
        vec![failed(2, 2, eur(1000), day(5, 2), Some(day(5, 4)))],
    );
    given::<Subscription>(history.clone())
        .when(retry(day(5, 4), ok(eur(1000))))
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(1000), day(5, 4))]);
    let recovered = with(
        history,
        vec![renewed(2, may1(), jun1(), eur(1000), day(5, 4))],
    );
    let recovered = after(&recovered);
    assert_eq!(recovered.status(), Some(SubscriptionStatus::Active));
    assert_eq!(recovered.next_due(), Some((jun1(), DueAction::Renew)));
}

#[test]
fn a_recovered_trial_charge_activates_from_the_trial_end() {
    let history = with(
        trialing(eur(1000)),
        vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            failed(1, 1, eur(1000), mar15(), Some(day(3, 16))),
            past_due(1, mar15(), day(4, 15), mar15()),
        ],
    );
    given::<Subscription>(history)
        .when(retry(day(3, 16), ok(eur(1000))))
        .then_expect_events(vec![activated(mar15(), day(4, 15), eur(1000), day(3, 16))]);
}

#[test]
fn a_recovered_subscription_dunning_again_counts_from_the_new_failure() {
    let history = with(
        past_due_in_may(),
        vec![renewed(2, may1(), jun1(), eur(1000), day(5, 2))],
    );
    given::<Subscription>(history)
        .when(SubscriptionCommand::Renew {
            now: at(2025, 6, 1, 10),
            charge: declined(),
        })
        .then_expect_events(vec![
            failed(
                3,
                1,
                eur(1000),
                at(2025, 6, 1, 10),
                Some(at(2025, 6, 2, 10)),
            ),
            past_due(3, jun1(), day(7, 1), at(2025, 6, 1, 10)),
        ]);
}

#[test]
fn the_schedule_is_configurable_per_subscription() {
    let custom = DunningSchedule::new(vec![2, 7]).unwrap_or_else(|e| panic!("{e}"));
    let mut start = started(eur(1000), None, apr1());
    if let SubscriptionEvent::SubscriptionStarted { dunning, .. } = &mut start {
        *dunning = custom;
    }
    let history = vec![start, activated(apr1(), may1(), eur(1000), apr1())];
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: declined(),
        })
        .then_expect_events(vec![
            failed(2, 1, eur(1000), may1(), Some(day(5, 3))),
            past_due(2, may1(), jun1(), may1()),
        ]);
    let history = with(
        history,
        vec![
            failed(2, 1, eur(1000), may1(), Some(day(5, 3))),
            past_due(2, may1(), jun1(), may1()),
            failed(2, 2, eur(1000), day(5, 3), Some(day(5, 8))),
        ],
    );
    given::<Subscription>(history)
        .when(retry(day(5, 8), declined()))
        .then_expect_events(vec![
            failed(2, 3, eur(1000), day(5, 8), None),
            canceled(CancelReason::PaymentFailed, day(5, 8)),
        ]);
}

#[test]
fn an_empty_schedule_cancels_on_the_first_failure() {
    let mut start = started(eur(1000), None, apr1());
    if let SubscriptionEvent::SubscriptionStarted { dunning, .. } = &mut start {
        *dunning = DunningSchedule::new(vec![]).unwrap_or_else(|e| panic!("{e}"));
    }
    given::<Subscription>(vec![start, activated(apr1(), may1(), eur(1000), apr1())])
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: declined(),
        })
        .then_expect_events(vec![
            failed(2, 1, eur(1000), may1(), None),
            canceled(CancelReason::PaymentFailed, may1()),
        ]);
}

#[test]
fn a_past_due_member_cancels_at_once_not_at_period_end() {
    given::<Subscription>(past_due_in_may())
        .when(SubscriptionCommand::Cancel { now: day(5, 2) })
        .then_expect_events(vec![canceled(CancelReason::Requested, day(5, 2))]);
    given::<Subscription>(past_due_in_may())
        .when(SubscriptionCommand::CancelAtPeriodEnd { now: day(5, 2) })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn only_a_past_due_subscription_is_retried_and_a_failure_needs_a_reason() {
    given::<Subscription>(active(eur(1000)))
        .when(retry(may1(), ok(eur(1000))))
        .then_expect_error(Code::InvalidTransition);
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ChargeResult::Failed { reason: " ".into() },
        })
        .then_expect_error(Code::ValidationFailed);
}
