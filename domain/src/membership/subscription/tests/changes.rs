//! Immediate prorated upgrades, downgrades at the next boundary, and retention offers.

use super::*;

fn change(
    direction: ChangeDirection,
    new_price: Money,
    payment: Option<Money>,
    now: DateTime<Utc>,
) -> SubscriptionCommand {
    SubscriptionCommand::ChangeTier {
        new_tier_id: PREMIUM,
        new_price,
        direction,
        payment: payment.map(|amount| Payment {
            amount,
            provider_payment_id: "pay_up".into(),
        }),
        now,
    }
}

fn upgraded(
    old_price: Money,
    new_price: Money,
    credit: Money,
    charge: Money,
    now: DateTime<Utc>,
) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionUpgraded {
        from_tier: BASIC,
        to_tier: PREMIUM,
        old_price,
        new_price,
        credit,
        prorated_charge: charge,
        provider_payment_id: (!charge.is_zero()).then(|| "pay_up".to_owned()),
        upgraded_at: now,
    }
}

fn downgrade_to_plus(new_price: Money, effective_at: DateTime<Utc>) -> SubscriptionEvent {
    SubscriptionEvent::DowngradeScheduled {
        from_tier: BASIC,
        to_tier: PLUS,
        new_price,
        effective_at,
        scheduled_at: day(4, 10),
    }
}

fn downgrade_applied(old_price: Money, new_price: Money, at: DateTime<Utc>) -> SubscriptionEvent {
    SubscriptionEvent::DowngradeApplied {
        from_tier: BASIC,
        to_tier: PLUS,
        old_price,
        new_price,
        applied_at: at,
    }
}

#[test]
fn an_upgrade_credits_the_unused_time_and_charges_the_difference_now() {
    // 19.5 of 30 days unused: credit 9.99 × 0.65 = 6.4935 → 6.49, new 24.99 × 0.65 = 16.2435
    // → 16.24, charge 16.24 − 6.49 = 9.75.
    let now = at(2025, 4, 11, 12);
    let quote = after(&active(eur(999)))
        .quote_upgrade(eur(2499), now)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        quote,
        Proration {
            credit: eur(649),
            prorated_charge: eur(975),
            unused_seconds: 1_684_800,
            period_seconds: 2_592_000,
        }
    );
    given::<Subscription>(active(eur(999)))
        .when(change(
            ChangeDirection::Upgrade,
            eur(2499),
            Some(eur(975)),
            now,
        ))
        .then_expect_events(vec![upgraded(eur(999), eur(2499), eur(649), eur(975), now)]);
}

#[test]
fn an_upgrade_in_yen_rounds_to_whole_yen() {
    // 20 of 30 days unused: credit 980 × 2/3 = 653.3 → 653, new 1980 × 2/3 = 1320, charge 667.
    given::<Subscription>(active(jpy(980)))
        .when(change(
            ChangeDirection::Upgrade,
            jpy(1980),
            Some(jpy(667)),
            day(4, 11),
        ))
        .then_expect_events(vec![upgraded(
            jpy(980),
            jpy(1980),
            jpy(653),
            jpy(667),
            day(4, 11),
        )]);
}

#[test]
fn an_upgrade_takes_effect_at_once_and_renews_at_the_new_price() {
    let history = with(
        active(eur(1000)),
        vec![upgraded(
            eur(1000),
            eur(2500),
            eur(650),
            eur(975),
            at(2025, 4, 11, 12),
        )],
    );
    let state = after(&history);
    assert_eq!(state.state.as_ref().map(|s| s.tier_id), Some(PREMIUM));
    assert_eq!(state.amount_due(), Ok(Some(eur(2500))));
    given::<Subscription>(history)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(2500)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(2500), may1())]);
}

#[test]
fn an_upgrade_must_be_paid_for_the_quoted_amount() {
    let now = at(2025, 4, 11, 12);
    given::<Subscription>(active(eur(999)))
        .when(change(ChangeDirection::Upgrade, eur(2499), None, now))
        .then_expect_error(Code::ValidationFailed);
    given::<Subscription>(active(eur(999)))
        .when(change(
            ChangeDirection::Upgrade,
            eur(2499),
            Some(eur(974)),
            now,
        ))
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn an_upgrade_that_costs_nothing_needs_no_payment() {
    // The caller chose "upgrade" to a cheaper price: the charge is never negative.
    given::<Subscription>(active(eur(1000)))
        .when(change(ChangeDirection::Upgrade, eur(500), None, day(4, 16)))
        .then_expect_events(vec![upgraded(
            eur(1000),
            eur(500),
            eur(500),
            eur(0),
            day(4, 16),
        )]);
}

#[test]
fn an_upgrade_during_a_trial_has_nothing_to_prorate() {
    given::<Subscription>(trialing(eur(1000)))
        .when(change(ChangeDirection::Upgrade, eur(2500), None, day(3, 5)))
        .then_expect_events(vec![upgraded(
            eur(1000),
            eur(2500),
            eur(0),
            eur(0),
            day(3, 5),
        )]);
}

#[test]
fn an_upgrade_after_the_period_ended_waits_for_the_renewal() {
    given::<Subscription>(active(eur(1000)))
        .when(change(ChangeDirection::Upgrade, eur(2500), None, may1()))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn an_upgrade_prorates_the_prices_after_a_forever_offer() {
    let half_off = offer(
        Discount::Percent { basis_points: 5000 },
        OfferDuration::Forever,
        OfferPurpose::SignUp,
    );
    let mut start = started(eur(1000), None, apr1());
    if let SubscriptionEvent::SubscriptionStarted { offer, .. } = &mut start {
        *offer = Some(half_off);
    }
    let history = vec![start, activated(apr1(), may1(), eur(500), apr1())];
    // Half of the period unused: credit 5.00 / 2, new price 12.50 / 2.
    given::<Subscription>(history)
        .when(change(
            ChangeDirection::Upgrade,
            eur(2500),
            Some(eur(375)),
            day(4, 16),
        ))
        .then_expect_events(vec![upgraded(
            eur(1000),
            eur(2500),
            eur(250),
            eur(375),
            day(4, 16),
        )]);
}

#[test]
fn a_downgrade_is_scheduled_for_the_period_end() {
    let mut command = change(ChangeDirection::Downgrade, eur(500), None, day(4, 10));
    if let SubscriptionCommand::ChangeTier { new_tier_id, .. } = &mut command {
        *new_tier_id = PLUS;
    }
    given::<Subscription>(active(eur(1000)))
        .when(command)
        .then_expect_events(vec![downgrade_to_plus(eur(500), may1())]);
    let history = with(active(eur(1000)), vec![downgrade_to_plus(eur(500), may1())]);
    let state = after(&history);
    assert_eq!(state.state.as_ref().map(|s| s.tier_id), Some(BASIC));
    assert_eq!(state.amount_due(), Ok(Some(eur(500))));
}

#[test]
fn a_downgrade_applies_at_renewal_before_the_charge() {
    let history = with(active(eur(1000)), vec![downgrade_to_plus(eur(500), may1())]);
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(500)),
        })
        .then_expect_events(vec![
            downgrade_applied(eur(1000), eur(500), may1()),
            renewed(2, may1(), jun1(), eur(500), may1()),
        ]);
    given::<Subscription>(history)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: declined(),
        })
        .then_expect_events(vec![
            downgrade_applied(eur(1000), eur(500), may1()),
            failed(2, 1, eur(500), may1(), Some(day(5, 2))),
            past_due(2, may1(), jun1(), may1()),
        ]);
}

#[test]
fn a_downgrade_during_a_trial_applies_at_trial_end() {
    let history = with(
        trialing(eur(1000)),
        vec![downgrade_to_plus(eur(500), mar15())],
    );
    given::<Subscription>(history)
        .when(SubscriptionCommand::EndTrial {
            now: mar15(),
            charge: ok(eur(500)),
        })
        .then_expect_events(vec![
            SubscriptionEvent::TrialEnded { trial_end: mar15() },
            downgrade_applied(eur(1000), eur(500), mar15()),
            activated(mar15(), day(4, 15), eur(500), mar15()),
        ]);
}

#[test]
fn an_upgrade_replaces_a_pending_downgrade() {
    let history = with(
        active(eur(1000)),
        vec![
            downgrade_to_plus(eur(500), may1()),
            upgraded(
                eur(1000),
                eur(2500),
                eur(650),
                eur(975),
                at(2025, 4, 11, 12),
            ),
        ],
    );
    given::<Subscription>(history)
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(2500)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(2500), may1())]);
}

#[test]
fn invalid_tier_changes_are_refused() {
    let mut same_tier = change(ChangeDirection::Downgrade, eur(500), None, day(4, 10));
    if let SubscriptionCommand::ChangeTier { new_tier_id, .. } = &mut same_tier {
        *new_tier_id = BASIC;
    }
    for command in [
        same_tier,
        change(ChangeDirection::Upgrade, jpy(2500), None, day(4, 10)),
        change(ChangeDirection::Downgrade, eur(0), None, day(4, 10)),
    ] {
        given::<Subscription>(active(eur(1000)))
            .when(command)
            .then_expect_error(Code::ValidationFailed);
    }
    for history in [past_due_in_may(), vec![started(eur(1000), None, apr1())]] {
        given::<Subscription>(history)
            .when(change(ChangeDirection::Upgrade, eur(2500), None, day(5, 2)))
            .then_expect_error(Code::InvalidTransition);
    }
}

#[test]
fn a_retention_offer_prices_the_charges_after_it_is_applied() {
    let stay = offer(
        Discount::Percent { basis_points: 5000 },
        OfferDuration::Months { months: 2 },
        OfferPurpose::Retention,
    );
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::ApplyOffer {
            offer: stay.clone(),
            now: day(4, 20),
        })
        .then_expect_events(vec![SubscriptionEvent::OfferApplied {
            offer: stay.clone(),
            from_cycle: 2,
            applied_at: day(4, 20),
        }]);
    let history = with(
        active(eur(1000)),
        vec![SubscriptionEvent::OfferApplied {
            offer: stay,
            from_cycle: 2,
            applied_at: day(4, 20),
        }],
    );
    given::<Subscription>(history.clone())
        .when(SubscriptionCommand::Renew {
            now: may1(),
            charge: ok(eur(500)),
        })
        .then_expect_events(vec![renewed(2, may1(), jun1(), eur(500), may1())]);
    let third = with(
        with(history, vec![renewed(2, may1(), jun1(), eur(500), may1())]),
        vec![renewed(3, jun1(), day(7, 1), eur(500), jun1())],
    );
    assert_eq!(after(&third).amount_due(), Ok(Some(eur(1000))));
}

#[test]
fn a_sign_up_offer_cannot_be_applied_to_a_running_subscription() {
    given::<Subscription>(active(eur(1000)))
        .when(SubscriptionCommand::ApplyOffer {
            offer: offer(
                Discount::Percent { basis_points: 5000 },
                OfferDuration::Once,
                OfferPurpose::SignUp,
            ),
            now: day(4, 20),
        })
        .then_expect_error(Code::ValidationFailed);
}
