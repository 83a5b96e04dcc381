//! Refunds, full and partial, in cents and in yen; and what the state tells readers.

use super::*;
use crate::event::{decode, encode};

#[test]
fn a_partial_then_a_full_refund() {
    given::<Order>(paid_eur_1000())
        .when(refund(1, eur(300), None))
        .then_expect_events(vec![refunded(1, eur(300), eur(300), false)]);
    let mut history = paid_eur_1000();
    history.push(refunded(1, eur(300), eur(300), false));
    given::<Order>(history)
        .when(refund(2, eur(700), None))
        .then_expect_events(vec![refunded(2, eur(700), eur(1000), true)]);
}

#[test]
fn the_item_is_held_until_a_refund_in_full() {
    let status = |history: &[OrderEvent]| {
        Order::from_history(history)
            .state
            .unwrap_or_else(|| panic!("placed"))
            .status
    };
    let mut history = paid_eur_1000();
    assert!(status(&history).grants_item());
    history.push(refunded(1, eur(300), eur(300), false));
    assert!(status(&history).grants_item(), "a partial refund keeps it");
    history.push(refunded(2, eur(700), eur(1000), true));
    assert!(
        !status(&history).grants_item(),
        "a full refund takes it back"
    );
    assert!(!OrderStatus::PaymentFailed.grants_item());
    assert!(!OrderStatus::AwaitingPayment.grants_item());
}

#[test]
fn refunding_more_than_was_paid_is_refused() {
    given::<Order>(paid_eur_1000())
        .when(refund(1, eur(1001), None))
        .then_expect_error(Code::ValidationFailed);
    let mut history = paid_eur_1000();
    history.push(refunded(1, eur(600), eur(600), false));
    given::<Order>(history.clone())
        .when(refund(2, eur(401), None))
        .then_expect_error(Code::ValidationFailed);
    history.push(refunded(2, eur(400), eur(1000), true));
    given::<Order>(history)
        .when(refund(3, eur(1), None))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn refunds_need_a_payment_first() {
    given::<Order>(vec![placed(eur(1000))])
        .when(refund(1, eur(100), None))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn refund_amounts_are_positive_in_the_order_currency_with_a_reason() {
    given::<Order>(paid_eur_1000())
        .when(refund(1, eur(0), None))
        .then_expect_error(Code::ValidationFailed);
    given::<Order>(paid_eur_1000())
        .when(refund(1, jpy(100), None))
        .then_expect_error(Code::ValidationFailed);
    given::<Order>(paid_eur_1000())
        .when(OrderCommand::Refund {
            refund_id: refund_id(1),
            amount: eur(100),
            reason: " ".into(),
            provider_event_id: None,
            now: at(2),
        })
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn retrying_a_refund_is_idempotent_but_its_id_cannot_change_amount() {
    let mut history = paid_eur_1000();
    history.push(refunded(1, eur(300), eur(300), false));
    given::<Order>(history.clone())
        .when(refund(1, eur(300), None))
        .then_expect_events(vec![]);
    given::<Order>(history)
        .when(refund(1, eur(400), None))
        .then_expect_error(Code::Conflict);
}

#[test]
fn yen_orders_refund_in_whole_yen() {
    let history = vec![placed(jpy(980)), succeeded("tp_1", jpy(980), None)];
    given::<Order>(history.clone())
        .when(refund(1, jpy(480), None))
        .then_expect_events(vec![refunded(1, jpy(480), jpy(480), false)]);
    let mut history = history;
    history.push(refunded(1, jpy(480), jpy(480), false));
    given::<Order>(history.clone())
        .when(refund(2, jpy(501), None))
        .then_expect_error(Code::ValidationFailed);
    given::<Order>(history.clone())
        .when(refund(2, jpy(500), None))
        .then_expect_events(vec![refunded(2, jpy(500), jpy(980), true)]);
    let state = Order::from_history(&history)
        .state
        .unwrap_or_else(|| panic!("placed"));
    assert_eq!(state.status, OrderStatus::PartiallyRefunded);
    assert_eq!(state.refundable(), jpy(500));
}

#[test]
fn unrecorded_refunds_are_the_provider_total_less_ours() {
    let mut history = paid_eur_1000();
    history.push(refunded(1, eur(300), eur(300), false));
    let state = Order::from_history(&history)
        .state
        .unwrap_or_else(|| panic!("placed"));
    assert_eq!(state.unrecorded_refund(eur(500)), Some(eur(200)));
    assert_eq!(state.unrecorded_refund(eur(300)), None);
    assert_eq!(state.unrecorded_refund(jpy(500)), None);
    assert!(state.provider_events.contains("evt_paid"));
    assert_eq!(state.status.as_str(), "partially_refunded");
}

#[test]
fn events_round_trip_through_the_log_with_stable_names() {
    let mut history = paid_eur_1000();
    history.push(OrderEvent::PaymentFailed {
        reason: FailureReason::InsufficientFunds,
        attempt: 1,
        provider_event_id: None,
        at: at(1),
    });
    history.push(refunded(1, eur(300), eur(300), false));
    history.push(dispute_opened("dp_1", eur(700)));
    history.push(dispute_closed("dp_1", DisputeOutcome::Lost, eur(700)));
    let names: Vec<_> = history.iter().map(DomainEvent::event_type).collect();
    assert_eq!(
        names,
        [
            "OrderPlaced",
            "PaymentSucceeded",
            "PaymentFailed",
            "Refunded",
            "DisputeOpened",
            "DisputeClosed"
        ]
    );
    for event in history {
        let stored = encode(&event).unwrap_or_else(|e| panic!("{e}"));
        let back: OrderEvent = decode(&stored.event_type, stored.event_version, stored.payload)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, event);
    }
}
