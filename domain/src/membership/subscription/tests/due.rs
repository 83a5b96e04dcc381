//! What a scheduler sees: `next_due` and `amount_due` in every status, and the stored form of
//! every event.

use super::*;

#[test]
fn next_due_names_the_action_for_every_status() {
    let cases = [
        (
            vec![started(eur(1000), None, apr1())],
            Some((at(2025, 4, 1, 23), DueAction::Expire)),
        ),
        (trialing(eur(1000)), Some((mar15(), DueAction::EndTrial))),
        (
            cancel_scheduled(trialing(eur(1000)), mar15()),
            Some((mar15(), DueAction::Expire)),
        ),
        (active(eur(1000)), Some((may1(), DueAction::Renew))),
        (
            cancel_scheduled(active(eur(1000)), may1()),
            Some((may1(), DueAction::Expire)),
        ),
        (
            past_due_in_may(),
            Some((day(5, 2), DueAction::RetryPayment)),
        ),
        (comp(), Some((day(7, 1), DueAction::Expire))),
        (
            with(
                active(eur(1000)),
                vec![canceled(CancelReason::Requested, day(4, 2))],
            ),
            None,
        ),
        (vec![], None),
    ];
    for (history, expected) in cases {
        assert_eq!(after(&history).next_due(), expected, "{history:?}");
    }
}

#[test]
fn amount_due_is_what_the_next_charge_must_be() {
    let cases = [
        (vec![started(eur(1000), None, apr1())], Some(eur(1000))),
        (trialing(eur(1000)), Some(eur(1000))),
        (cancel_scheduled(trialing(eur(1000)), mar15()), None),
        (active(eur(1000)), Some(eur(1000))),
        (cancel_scheduled(active(eur(1000)), may1()), None),
        (past_due_in_may(), Some(eur(1000))),
        (comp(), None),
        (vec![], None),
    ];
    for (history, expected) in cases {
        assert_eq!(after(&history).amount_due(), Ok(expected), "{history:?}");
    }
}

#[test]
fn only_expiry_needs_no_charge() {
    assert!(DueAction::EndTrial.charges());
    assert!(DueAction::Renew.charges());
    assert!(DueAction::RetryPayment.charges());
    assert!(!DueAction::Expire.charges());
}

#[test]
fn every_event_round_trips_through_the_log_format() {
    let mut events = with(past_due_in_may(), comp());
    events.extend(trialing(eur(1000)));
    events.extend([
        SubscriptionEvent::FirstPaymentFailed {
            reason: "card_declined".into(),
            failed_at: apr1(),
        },
        SubscriptionEvent::TrialEnded { trial_end: mar15() },
        renewed(2, may1(), jun1(), eur(1000), may1()),
        SubscriptionEvent::CancellationScheduled {
            effective_at: may1(),
            scheduled_at: day(4, 2),
        },
        SubscriptionEvent::CancellationWithdrawn {
            withdrawn_at: day(4, 3),
        },
        canceled(CancelReason::PaymentFailed, day(5, 6)),
        SubscriptionEvent::SubscriptionUpgraded {
            from_tier: BASIC,
            to_tier: PREMIUM,
            old_price: jpy(980),
            new_price: jpy(1980),
            credit: jpy(653),
            prorated_charge: jpy(667),
            provider_payment_id: Some("pay_up".into()),
            upgraded_at: day(4, 11),
        },
        SubscriptionEvent::DowngradeScheduled {
            from_tier: PREMIUM,
            to_tier: BASIC,
            new_price: jpy(980),
            effective_at: may1(),
            scheduled_at: day(4, 12),
        },
        SubscriptionEvent::DowngradeApplied {
            from_tier: PREMIUM,
            to_tier: BASIC,
            old_price: jpy(1980),
            new_price: jpy(980),
            applied_at: may1(),
        },
        SubscriptionEvent::OfferApplied {
            offer: offer(
                Discount::Fixed { amount: eur(100) },
                OfferDuration::Months { months: 3 },
                OfferPurpose::Retention,
            ),
            from_cycle: 2,
            applied_at: day(4, 20),
        },
        SubscriptionEvent::CompExpired { until: day(7, 1) },
    ]);
    let mut types = std::collections::BTreeSet::new();
    for event in events {
        let stored = crate::event::encode(&event).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.event_type, event.event_type());
        let back: SubscriptionEvent =
            crate::event::decode(&stored.event_type, stored.event_version, stored.payload)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, event);
        types.insert(event.event_type());
    }
    assert_eq!(types.len(), 16, "every event type is covered: {types:?}");
}

#[test]
fn the_stored_payload_is_plain_json() {
    let stored = crate::event::encode(&started(jpy(980), Some(mar15()), mar1()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        stored.payload["price"],
        serde_json::json!({"minor": 980, "currency": "JPY"})
    );
    assert_eq!(stored.payload["interval"], "monthly");
    assert_eq!(stored.payload["dunning"], serde_json::json!([1, 3, 5]));
    assert_eq!(stored.payload["trial_end"], "2025-03-15T00:00:00Z");
}
