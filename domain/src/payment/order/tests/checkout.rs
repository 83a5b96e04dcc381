//! Placing orders and recording charges, including duplicate provider events.

use super::*;

#[test]
fn a_subscription_period_order_is_placed() {
    given_no_history::<Order>()
        .when(place(eur(1000)))
        .then_expect_events(vec![placed(eur(1000))]);
}

#[test]
fn a_content_purchase_is_placed_in_yen() {
    let item = OrderItem::Content {
        content_id: ContentId(Uuid::from_u128(9)),
    };
    given_no_history::<Order>()
        .when(OrderCommand::Place {
            space_id: SpaceId(Uuid::nil()),
            member_id: MemberId(Uuid::from_u128(1)),
            item: item.clone(),
            amount: jpy(500),
            now: at(0),
        })
        .then_expect_events(vec![OrderEvent::OrderPlaced {
            space_id: SpaceId(Uuid::nil()),
            member_id: MemberId(Uuid::from_u128(1)),
            item,
            amount: jpy(500),
            at: at(0),
        }]);
}

#[test]
fn an_order_needs_a_positive_amount_and_a_real_period() {
    given_no_history::<Order>()
        .when(place(eur(0)))
        .then_expect_error(Code::ValidationFailed);
    let mut backwards = place(eur(1000));
    if let OrderCommand::Place { item, .. } = &mut backwards {
        *item = OrderItem::SubscriptionPeriod {
            tier_id: TierId(Uuid::from_u128(7)),
            interval: BillingInterval::Yearly,
            period_start: at(10),
            period_end: at(10),
        };
    }
    given_no_history::<Order>()
        .when(backwards)
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn an_order_is_placed_once_and_must_exist_for_anything_else() {
    given::<Order>(vec![placed(eur(1000))])
        .when(place(eur(1000)))
        .then_expect_error(Code::Conflict);
    given_no_history::<Order>()
        .when(charge(success("pi_1"), None))
        .then_expect_error(Code::NotFound);
}

// Charging.

#[test]
fn a_successful_charge_pays_the_order() {
    given::<Order>(vec![placed(eur(1000))])
        .when(charge(success("pi_1"), evt("evt_paid")))
        .then_expect_events(vec![succeeded("pi_1", eur(1000), evt("evt_paid"))]);
}

#[test]
fn declines_and_retries_are_failures_that_count_attempts() {
    let failed = |reason, attempt| OrderEvent::PaymentFailed {
        reason,
        attempt,
        provider_event_id: None,
        at: at(1),
    };
    let declined = ChargeOutcome::Declined {
        code: DeclineCode::CardDeclined,
    };
    given::<Order>(vec![placed(eur(1000))])
        .when(charge(declined, None))
        .then_expect_events(vec![failed(FailureReason::CardDeclined, 1)]);
    let no_funds = ChargeOutcome::Declined {
        code: DeclineCode::InsufficientFunds,
    };
    given::<Order>(vec![
        placed(eur(1000)),
        failed(FailureReason::CardDeclined, 1),
    ])
    .when(charge(no_funds, None))
    .then_expect_events(vec![failed(FailureReason::InsufficientFunds, 2)]);
    given::<Order>(vec![placed(eur(1000))])
        .when(charge(ChargeOutcome::RequiresRetry, None))
        .then_expect_events(vec![failed(FailureReason::RequiresRetry, 1)]);
}

#[test]
fn a_failed_order_can_still_be_paid() {
    let failed = OrderEvent::PaymentFailed {
        reason: FailureReason::RequiresRetry,
        attempt: 1,
        provider_event_id: evt("evt_failed"),
        at: at(1),
    };
    given::<Order>(vec![placed(eur(1000)), failed])
        .when(charge(success("pi_1"), evt("evt_paid")))
        .then_expect_events(vec![succeeded("pi_1", eur(1000), evt("evt_paid"))]);
}

#[test]
fn a_paid_order_ignores_the_same_success_and_refuses_other_outcomes() {
    given::<Order>(paid_eur_1000())
        .when(charge(success("pi_1"), evt("evt_other_delivery")))
        .then_expect_events(vec![]);
    given::<Order>(paid_eur_1000())
        .when(charge(success("pi_2"), None))
        .then_expect_error(Code::InvalidTransition);
    given::<Order>(paid_eur_1000())
        .when(charge(ChargeOutcome::RequiresRetry, None))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_provider_event_is_never_applied_twice() {
    let failed = OrderEvent::PaymentFailed {
        reason: FailureReason::CardDeclined,
        attempt: 1,
        provider_event_id: evt("evt_failed"),
        at: at(1),
    };
    // The failure would otherwise be recorded again (attempt 2).
    let again = ChargeOutcome::Declined {
        code: DeclineCode::CardDeclined,
    };
    given::<Order>(vec![placed(eur(1000)), failed])
        .when(charge(again, evt("evt_failed")))
        .then_expect_events(vec![]);
    // A re-delivered dispute webhook would otherwise be refused as a second dispute.
    let mut history = paid_eur_1000();
    history.push(dispute_opened("dp_1", eur(1000)));
    given::<Order>(history)
        .when(OrderCommand::OpenDispute {
            dispute_id: "dp_2".into(),
            amount: eur(1000),
            provider_event_id: evt("evt_dispute_created"),
            now: at(5),
        })
        .then_expect_events(vec![]);
    given::<Order>(paid_eur_1000())
        .when(refund(1, eur(100), evt("evt_paid")))
        .then_expect_events(vec![]);
}

#[test]
fn provider_event_ids_must_be_real() {
    given::<Order>(vec![placed(eur(1000))])
        .when(charge(success("pi_1"), evt("  ")))
        .then_expect_error(Code::ValidationFailed);
    given::<Order>(vec![placed(eur(1000))])
        .when(charge(success(""), None))
        .then_expect_error(Code::ValidationFailed);
}
