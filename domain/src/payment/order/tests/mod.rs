//! given/when/then tests for every Order rule, with the helpers they share.

use super::*;
use crate::aggregate::testing::{given, given_no_history};
use crate::event::DomainEvent;
use crate::ids::{ContentId, TierId};
use crate::payment::provider::DeclineCode;
use crate::values::Currency;
use uuid::Uuid;

mod checkout;
mod disputes;
mod refunds;

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600 + minute * 60, 0)
        .unwrap_or_else(|| panic!("timestamp in range"))
}

fn money(minor: i64, currency: &str) -> Money {
    Money::new(
        minor,
        Currency::parse(currency).unwrap_or_else(|e| panic!("{e}")),
    )
}

fn eur(minor: i64) -> Money {
    money(minor, "EUR")
}

fn jpy(minor: i64) -> Money {
    money(minor, "JPY")
}

fn refund_id(n: u128) -> RefundId {
    RefundId(Uuid::from_u128(n))
}

fn evt(id: &str) -> Option<String> {
    Some(id.to_owned())
}

fn period_item() -> OrderItem {
    OrderItem::SubscriptionPeriod {
        tier_id: TierId(Uuid::from_u128(7)),
        interval: BillingInterval::Monthly,
        period_start: at(0),
        period_end: at(60 * 24 * 31),
    }
}

fn place(amount: Money) -> OrderCommand {
    OrderCommand::Place {
        space_id: SpaceId(Uuid::nil()),
        member_id: MemberId(Uuid::from_u128(1)),
        item: period_item(),
        amount,
        now: at(0),
    }
}

fn placed(amount: Money) -> OrderEvent {
    OrderEvent::OrderPlaced {
        space_id: SpaceId(Uuid::nil()),
        member_id: MemberId(Uuid::from_u128(1)),
        item: period_item(),
        amount,
        at: at(0),
    }
}

fn succeeded(payment: &str, amount: Money, event: Option<String>) -> OrderEvent {
    OrderEvent::PaymentSucceeded {
        provider_payment_id: payment.into(),
        amount,
        provider_event_id: event,
        at: at(1),
    }
}

fn charge(outcome: ChargeOutcome, event: Option<String>) -> OrderCommand {
    OrderCommand::RecordCharge {
        outcome,
        provider_event_id: event,
        now: at(1),
    }
}

fn success(payment: &str) -> ChargeOutcome {
    ChargeOutcome::Succeeded {
        provider_payment_id: payment.into(),
    }
}

fn refund(id: u128, amount: Money, event: Option<String>) -> OrderCommand {
    OrderCommand::Refund {
        refund_id: refund_id(id),
        amount,
        reason: "requested_by_customer".into(),
        provider_event_id: event,
        now: at(2),
    }
}

fn refunded(id: u128, amount: Money, total: Money, full: bool) -> OrderEvent {
    OrderEvent::Refunded {
        refund_id: refund_id(id),
        amount,
        total_refunded: total,
        full,
        reason: "requested_by_customer".into(),
        provider_event_id: None,
        at: at(2),
    }
}

fn open_dispute(id: &str, amount: Money) -> OrderCommand {
    OrderCommand::OpenDispute {
        dispute_id: id.into(),
        amount,
        provider_event_id: evt("evt_dispute_created"),
        now: at(3),
    }
}

fn dispute_opened(id: &str, amount: Money) -> OrderEvent {
    OrderEvent::DisputeOpened {
        dispute_id: id.into(),
        amount,
        provider_event_id: evt("evt_dispute_created"),
        at: at(3),
    }
}

fn close_dispute(id: &str, outcome: DisputeOutcome) -> OrderCommand {
    OrderCommand::CloseDispute {
        dispute_id: id.into(),
        outcome,
        provider_event_id: evt("evt_dispute_closed"),
        now: at(4),
    }
}

fn dispute_closed(id: &str, outcome: DisputeOutcome, amount: Money) -> OrderEvent {
    OrderEvent::DisputeClosed {
        dispute_id: id.into(),
        outcome,
        amount,
        provider_event_id: evt("evt_dispute_closed"),
        at: at(4),
    }
}

fn paid_eur_1000() -> Vec<OrderEvent> {
    vec![
        placed(eur(1000)),
        succeeded("pi_1", eur(1000), evt("evt_paid")),
    ]
}
