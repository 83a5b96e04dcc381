//! Start, first payment, trial end, renewal, kept prices and offers across cycles.

use super::*;

#[test]
fn a_start_with_trial_days_opens_a_trial() {
    given_no_history::<Subscription>()
        .when(start(eur(1000), 14, mar1()))
        .then_expect_events(vec![started(eur(1000), Some(mar15()), mar1())]);
    assert_eq!(
        after(&trialing(eur(1000))).status(),
        Some(SubscriptionStatus::Trialing)
    );
}

#[test]
fn a_start_without_trial_awaits_its_first_payment() {
    given_no_history::<Subscription>()
        .when(start(eur(1000), 0, apr1()))
        .then_expect_events(vec![started(eur(1000), None, apr1())]);
    let incomplete = after(&[started(eur(1000), None, apr1())]);
    assert_eq!(incomplete.status(), Some(SubscriptionStatus::Incomplete));
    assert!(!SubscriptionStatus::Incomplete.grants_access());
}

#[test]
fn a_start_keeps_a_sign_up_offer_and_the_referrer() {
    let welcome = offer(
        Discount::Percent { basis_points: 2000 },
        OfferDuration::Once,
        OfferPurpose::SignUp,
    );
    let mut command = start(eur(1000), 0, apr1());
    let referrer = MemberId(Uuid::from_u128(4242));
    let code = ReferralCode::of(referrer);
    if let SubscriptionCommand::Start {
        offer, referral, ..
    } = &mut command
    {
        *offer = Some(welcome.clone());
        *referral = Some(ReferredBy {
            code: code.clone(),
            referrer,
        });
    }
    let mut expected = started(eur(1000), None, apr1());
    if let SubscriptionEvent::SubscriptionStarted {
        offer,
        referral_code,
        referred_by,
        ..
    } = &mut expected
    {
        *offer = Some(welcome);
        *referral_code = Some(code.to_string());
        *referred_by = Some(referrer);
    }
    given_no_history::<Subscription>()
        .when(command)
        .then_expect_events(vec![expected]);
}

#[test]
fn invalid_starts_are_refused() {
    let edits: [fn(&mut SubscriptionCommand); 5] = [
        |c| {
            if let SubscriptionCommand::Start { price, .. } = c {
                *price = eur(0);
            }
        },
        |c| {
            if let SubscriptionCommand::Start { trial_days, .. } = c {
                *trial_days = 366;
            }
        },
        |c| {
            if let SubscriptionCommand::Start { offer: o, .. } = c {
                *o = Some(offer(
                    Discount::Percent { basis_points: 5000 },
                    OfferDuration::Once,
                    OfferPurpose::Retention,
                ));
            }
        },
        |c| {
            if let SubscriptionCommand::Start { offer: o, .. } = c {
                *o = Some(offer(
                    Discount::Fixed { amount: jpy(100) },
                    OfferDuration::Once,
                    OfferPurpose::SignUp,
                ));
            }
        },
        |c| {
            if let SubscriptionCommand::Start {
                referral,
                member_id,
                ..
            } = c
            {
                *referral = Some(ReferredBy {
                    code: ReferralCode::of(*member_id),
                    referrer: *member_id,
                });
            }
        },
    ];
    for edit in edits {
        let mut command = start(eur(1000), 0, apr1());
        edit(&mut command);
        given_no_history::<Subscription>()
            .when(command)
            .then_expect_error(Code::ValidationFailed);
    }
}

#[test]
fn a_subscription_starts_once_and_must_exist() {
    given::<Subscription>(trialing(eur(1000)))
        .when(start(eur(1000), 14, mar1()))
        .then_expect_error(Code::Conflict);
    given_no_history::<Subscription>()
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::NotFound);
}

#[test]
fn the_first_payment_activates_for_one_interval_from_then() {
    given::<Subscription>(vec![started(eur(1000), None, apr1())])
        .when(SubscriptionCommand::ConfirmFirstPayment {
            now: at(2025, 4, 1, 9),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![activated(
            at(2025, 4, 1, 9),
            at(2025, 5, 1, 9),
            eur(1000),
            at(2025, 4, 1, 9),
        )]);
}

#[test]
fn a_failed_first_payment_leaves_the_subscription_incomplete() {
    let history = vec![started(eur(1000), None, apr1())];
    let failure = SubscriptionEvent::FirstPaymentFailed {
        reason: "card_declined".into(),
        failed_at: apr1(),
    };
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::ConfirmFirstPayment {
            now: apr1(),
            charge: declined(),
        })
        .then_expect_events(vec![failure.clone()]);
    let retried = with(history, vec![failure]);
    assert_eq!(
        after(&retried).status(),
        Some(SubscriptionStatus::Incomplete)
    );
    given::<Subscription>(retried)
        .when(SubscriptionCommand::ConfirmFirstPayment {
            now: apr1(),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![activated(apr1(), may1(), eur(1000), apr1())]);
}

#[test]
fn a_charge_for_the_wrong_amount_is_refused() {
    given::<Subscription>(vec![started(eur(1000), None, apr1())])
        .when(SubscriptionCommand::ConfirmFirstPayment {
            now: apr1(),
            charge: ok(eur(999)),
        })
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn a_first_payment_is_confirmed_once() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::ConfirmFirstPayment {
            now: apr1(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn the_trial_turns_active_when_the_first_charge_succeeds_at_trial_end() {
    // The scheduler ran a day late: the period still starts at the trial end.
    given::<Subscription>(trialing(eur(1000)))
        .when(SubscriptionCommand::EndTrial {
            now: day(3, 16),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            activated(mar15(), day(4, 15), eur(1000), day(3, 16)),
        ]);
}

#[test]
fn a_trial_does_not_end_early_or_twice() {
    given::<Subscription>(trialing(eur(1000)))
        .when(SubscriptionCommand::EndTrial {
            now: at(2025, 3, 14, 23),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
    let converted = with(
        trialing(eur(1000)),
        vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            activated(mar15(), day(4, 15), eur(1000), mar15()),
        ],
    );
    given::<Subscription>(converted)
        .when(SubscriptionCommand::EndTrial {
            now: mar15(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_failed_charge_at_trial_end_makes_it_past_due() {
    given::<Subscription>(trialing(eur(1000)))
        .when(SubscriptionCommand::EndTrial {
            now: mar15(),
            charge: declined(),
        })
        .then_expect_events(vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            failed(1, 1, eur(1000), mar15(), Some(day(3, 16))),
            past_due(1, mar15(), day(4, 15), mar15()),
        ]);
}

#[test]
fn an_active_subscription_renews_at_period_end() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(1000), may1())]);
}

#[test]
fn a_renewal_before_period_end_or_a_repeated_one_is_refused() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::Renew {
            now: at(2025, 4, 30, 23),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
    let renewed_once = with(
        active(eur(1000)),
        vec![renewed(2, may1(), jun1(), eur(1000), may1())],
    );
    given::<Subscription>(renewed_once)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_late_renewal_keeps_the_anchored_period() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::Renew {
            now: day(5, 3),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(1000), day(5, 3))]);
}

#[test]
fn a_trial_is_not_renewed_and_a_past_due_subscription_is_retried_instead() {
    given::<Subscription>(trialing(eur(1000)))
        .when(SubscriptionCommand::Renew {
            now: mar15(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
    given::<Subscription>(past_due_in_may())
        .when(SubscriptionCommand::Renew {
            now: jun1(),
            charge: ok(eur(1000)),
        })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn renewals_charge_the_price_the_subscription_started_with() {
    // The tier now costs 15.00; this subscription keeps paying 10.00.
    let history = active(eur(1000));
    assert_eq!(after(&history).amount_due(), Ok(Some(eur(1000))));
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1500)),
        })
        .then_expect_error(Code::ValidationFailed);
    given::<Subscription>(history)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(1000), may1())]);
}

#[test]
fn a_sign_up_offer_prices_the_cycles_it_lasts() {
    let two_months = offer(
        Discount::Percent { basis_points: 2500 },
        OfferDuration::Months { months: 2 },
        OfferPurpose::SignUp,
    );
    let mut start = started(eur(1000), None, apr1());
    if let SubscriptionEvent::SubscriptionStarted { offer, .. } = &mut start {
        *offer = Some(two_months);
    }
    assert_eq!(after(&[start.clone()]).amount_due(), Ok(Some(eur(750))));
    let second = with(
        vec![start],
        vec![activated(apr1(), may1(), eur(750), apr1())],
    );
    assert_eq!(after(&second).amount_due(), Ok(Some(eur(750))));
    let third = with(second, vec![renewed(2, may1(), jun1(), eur(750), may1())]);
    assert_eq!(after(&third).amount_due(), Ok(Some(eur(1000))));
    given::<Subscription>(third)
        .when(SubscriptionCommand::Renew {
            now: jun1(),
            charge: ok(eur(1000)),
        })
        .then_expect_events(vec![renewed(3, jun1(), day(7, 1), eur(1000), jun1())]);
}

#[test]
fn a_yearly_subscription_maps_offer_months_onto_years() {
    let first_two_months = offer(
        Discount::Fixed { amount: eur(2000) },
        OfferDuration::Months { months: 3 },
        OfferPurpose::SignUp,
    );
    let mut start = started(eur(10_000), None, apr1());
    if let SubscriptionEvent::SubscriptionStarted {
        offer, interval, ..
    } = &mut start
    {
        *offer = Some(first_two_months);
        *interval = BillingInterval::Yearly;
    }
    let year_one = vec![
        start,
        activated(apr1(), at(2026, 4, 1, 0), eur(8000), apr1()),
    ];
    given::<Subscription>(year_one.clone())
        .when(SubscriptionCommand::Renew {
            now: at(2026, 4, 1, 0),
            charge: ok(eur(10_000)),
        })
        .then_expect_events(vec![renewed(
            2,
            at(2026, 4, 1, 0),
            at(2027, 4, 1, 0),
            eur(10_000),
            at(2026, 4, 1, 0),
        )]);
    assert_eq!(after(&year_one).amount_due(), Ok(Some(eur(10_000))));
}
