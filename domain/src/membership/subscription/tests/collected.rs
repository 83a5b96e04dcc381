//! Charges a provider collected on its own schedule: each becomes the command the state calls
//! for, under the rules the scheduler meets (due time, amount), and nothing else.

use super::*;

fn settle(
    history: &[SubscriptionEvent],
    invoiced: Money,
    charge: ChargeResult,
    now: DateTime<Utc>,
) -> Result<SubscriptionCommand, NotSettled> {
    after(history).settle_collected(invoiced, charge, now)
}

/// Settles and decides in one step: given `history`, when the collected charge, then these
/// events.
#[track_caller]
fn settles_into(
    history: Vec<SubscriptionEvent>,
    charge: ChargeResult,
    now: DateTime<Utc>,
    expected: Vec<SubscriptionEvent>,
) {
    let command = settle(&history, eur(1000), charge, now).unwrap_or_else(|e| panic!("{e}"));
    given::<Subscription>(history)
        .when(command)
        .then_expect_events(expected);
}

#[test]
fn a_paid_first_invoice_confirms_an_incomplete_subscription_whenever_it_comes() {
    let history = vec![started(eur(1000), None, apr1())];
    let later = at(2025, 4, 1, 5);
    let command = settle(&history, eur(1000), ok(eur(1000)), later);
    assert_eq!(
        command,
        Ok(SubscriptionCommand::ConfirmFirstPayment {
            now: later,
            charge: ok(eur(1000)),
        })
    );
    settles_into(
        history,
        ok(eur(1000)),
        later,
        vec![activated(later, at(2025, 5, 1, 5), eur(1000), later)],
    );
}

#[test]
fn a_paid_invoice_at_the_trial_end_ends_the_trial_into_cycle_one() {
    settles_into(
        trialing(eur(1000)),
        ok(eur(1000)),
        mar15(),
        vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            activated(mar15(), day(4, 15), eur(1000), mar15()),
        ],
    );
}

#[test]
fn a_paid_invoice_at_period_end_renews() {
    let late = at(2025, 5, 1, 1);
    settles_into(
        active(eur(1000)),
        ok(eur(1000)),
        late,
        vec![renewed(2, may1(), jun1(), eur(1000), late)],
    );
}

#[test]
fn a_failed_invoice_at_period_end_makes_the_subscription_past_due() {
    settles_into(
        active(eur(1000)),
        declined(),
        may1(),
        vec![
            failed(2, 1, eur(1000), may1(), Some(day(5, 2))),
            past_due(2, may1(), jun1(), may1()),
        ],
    );
}

#[test]
fn a_paid_invoice_when_the_retry_is_due_recovers_the_past_due_cycle() {
    settles_into(
        past_due_in_may(),
        ok(eur(1000)),
        day(5, 2),
        vec![renewed(2, may1(), jun1(), eur(1000), day(5, 2))],
    );
}

#[test]
fn an_invoice_before_the_boundary_or_the_retry_is_not_due_yet() {
    let cases = [
        (trialing(eur(1000)), day(3, 14), mar15()),
        (active(eur(1000)), day(4, 30), may1()),
        (past_due_in_may(), at(2025, 5, 1, 12), day(5, 2)),
    ];
    for (history, now, due) in cases {
        assert_eq!(
            settle(&history, eur(1000), ok(eur(1000)), now),
            Err(NotSettled::NotYetDue(due)),
            "{history:?}"
        );
        assert_eq!(
            settle(&history, eur(1000), declined(), now),
            Err(NotSettled::NotYetDue(due))
        );
    }
}

#[test]
fn an_invoice_for_another_amount_settles_nothing() {
    assert_eq!(
        settle(&active(eur(1000)), eur(900), ok(eur(900)), may1()),
        Err(NotSettled::WrongAmount {
            due: eur(1000),
            collected: eur(900),
        })
    );
    assert!(matches!(
        settle(&active(eur(1000)), jpy(1000), declined(), may1()),
        Err(NotSettled::WrongAmount { .. })
    ));
}

#[test]
fn nothing_is_settled_when_no_charge_is_expected() {
    let ended = with(
        active(eur(1000)),
        vec![canceled(CancelReason::Requested, day(4, 2))],
    );
    let cases = [
        (vec![], "the subscription does not exist"),
        (ended, "the subscription has ended"),
        (
            cancel_scheduled(active(eur(1000)), may1()),
            "the subscription is comped or set to end at period end",
        ),
        (
            comp(),
            "the subscription is comped or set to end at period end",
        ),
    ];
    for (history, reason) in cases {
        assert_eq!(
            settle(&history, eur(1000), ok(eur(1000)), jun1()),
            Err(NotSettled::NothingDue(reason)),
            "{history:?}"
        );
    }
}

#[test]
fn every_charging_action_settles_into_its_command_and_expire_into_none() {
    let now = may1();
    assert_eq!(
        DueAction::EndTrial.settle(now, declined()),
        Some(SubscriptionCommand::EndTrial {
            now,
            charge: declined()
        })
    );
    assert_eq!(
        DueAction::Renew.settle(now, declined()),
        Some(SubscriptionCommand::Renew {
            now,
            charge: declined()
        })
    );
    assert_eq!(
        DueAction::RetryPayment.settle(now, declined()),
        Some(SubscriptionCommand::RetryPayment {
            now,
            charge: declined()
        })
    );
    assert_eq!(DueAction::Expire.settle(now, declined()), None);
}
