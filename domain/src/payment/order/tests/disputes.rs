//! Disputes: opening, closing won or lost, and what a lost one leaves refundable.

use super::*;

#[test]
fn a_dispute_is_opened_on_a_paid_order_only() {
    given::<Order>(paid_eur_1000())
        .when(open_dispute("dp_1", eur(1000)))
        .then_expect_events(vec![dispute_opened("dp_1", eur(1000))]);
    given::<Order>(vec![placed(eur(1000))])
        .when(open_dispute("dp_1", eur(1000)))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_dispute_cannot_exceed_what_the_cardholder_paid_and_kept() {
    let mut history = paid_eur_1000();
    history.push(refunded(1, eur(300), eur(300), false));
    given::<Order>(history)
        .when(open_dispute("dp_1", eur(701)))
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn an_open_dispute_blocks_refunds_and_other_disputes() {
    let mut history = paid_eur_1000();
    history.push(dispute_opened("dp_1", eur(1000)));
    given::<Order>(history.clone())
        .when(refund(1, eur(100), None))
        .then_expect_error(Code::InvalidTransition);
    let mut other = open_dispute("dp_2", eur(500));
    if let OrderCommand::OpenDispute {
        provider_event_id, ..
    } = &mut other
    {
        *provider_event_id = evt("evt_other");
    }
    given::<Order>(history.clone())
        .when(other)
        .then_expect_error(Code::InvalidTransition);
    let mut same = open_dispute("dp_1", eur(1000));
    if let OrderCommand::OpenDispute {
        provider_event_id, ..
    } = &mut same
    {
        *provider_event_id = None;
    }
    given::<Order>(history)
        .when(same)
        .then_expect_events(vec![]);
}

#[test]
fn a_won_dispute_leaves_the_money_refundable() {
    let mut history = paid_eur_1000();
    history.push(dispute_opened("dp_1", eur(1000)));
    given::<Order>(history.clone())
        .when(close_dispute("dp_1", DisputeOutcome::Won))
        .then_expect_events(vec![dispute_closed("dp_1", DisputeOutcome::Won, eur(1000))]);
    history.push(dispute_closed("dp_1", DisputeOutcome::Won, eur(1000)));
    given::<Order>(history)
        .when(refund(1, eur(1000), None))
        .then_expect_events(vec![refunded(1, eur(1000), eur(1000), true)]);
}

#[test]
fn a_lost_dispute_takes_the_money_for_good() {
    let mut history = paid_eur_1000();
    history.push(dispute_opened("dp_1", eur(400)));
    given::<Order>(history.clone())
        .when(close_dispute("dp_1", DisputeOutcome::Lost))
        .then_expect_events(vec![dispute_closed("dp_1", DisputeOutcome::Lost, eur(400))]);
    history.push(dispute_closed("dp_1", DisputeOutcome::Lost, eur(400)));
    given::<Order>(history.clone())
        .when(refund(1, eur(601), None))
        .then_expect_error(Code::ValidationFailed);
    given::<Order>(history)
        .when(refund(1, eur(600), None))
        .then_expect_events(vec![refunded(1, eur(600), eur(600), true)]);
    let mut all_lost = paid_eur_1000();
    all_lost.push(dispute_opened("dp_1", eur(1000)));
    all_lost.push(dispute_closed("dp_1", DisputeOutcome::Lost, eur(1000)));
    given::<Order>(all_lost)
        .when(refund(1, eur(1), None))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn closing_needs_that_dispute_open_and_is_idempotent() {
    given::<Order>(paid_eur_1000())
        .when(close_dispute("dp_1", DisputeOutcome::Won))
        .then_expect_error(Code::InvalidTransition);
    let mut history = paid_eur_1000();
    history.push(dispute_opened("dp_1", eur(1000)));
    given::<Order>(history.clone())
        .when(close_dispute("dp_other", DisputeOutcome::Won))
        .then_expect_error(Code::InvalidTransition);
    history.push(dispute_closed("dp_1", DisputeOutcome::Lost, eur(1000)));
    let closed_again = |outcome| OrderCommand::CloseDispute {
        dispute_id: "dp_1".into(),
        outcome,
        provider_event_id: evt("evt_funds_withdrawn"),
        now: at(6),
    };
    given::<Order>(history.clone())
        .when(closed_again(DisputeOutcome::Lost))
        .then_expect_events(vec![]);
    given::<Order>(history)
        .when(closed_again(DisputeOutcome::Won))
        .then_expect_error(Code::InvalidTransition);
}
