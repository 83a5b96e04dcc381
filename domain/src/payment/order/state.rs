//! An order's state as folded from its events, and the sums derived from it (what is still
//! refundable, what a provider reports that is not recorded yet).

use crate::ids::{MemberId, RefundId, SpaceId};
use crate::money::Money;
use crate::payment::order::{DisputeOutcome, OrderItem};
use std::collections::{BTreeMap, BTreeSet};

/// Where an order's payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    AwaitingPayment,
    /// The last charge failed; a later charge may still succeed.
    PaymentFailed,
    Paid,
    PartiallyRefunded,
    Refunded,
}

impl OrderStatus {
    /// The stable name used in read models and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::PaymentFailed => "payment_failed",
            OrderStatus::Paid => "paid",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
        }
    }

    /// Whether the member holds what the order bought: paid, and not refunded in full.
    pub fn grants_item(self) -> bool {
        matches!(self, OrderStatus::Paid | OrderStatus::PartiallyRefunded)
    }

    /// Whether a payment succeeded (whatever was refunded since).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::PartiallyRefunded | OrderStatus::Refunded
        )
    }
}

/// The order's dispute, if the payment was disputed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dispute {
    pub dispute_id: String,
    pub amount: Money,
    /// `None` while the dispute is open.
    pub outcome: Option<DisputeOutcome>,
}

/// An order, once placed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OrderState {
    pub space_id: SpaceId,
    pub member_id: MemberId,
    pub item: OrderItem,
    pub amount: Money,
    pub status: OrderStatus,
    pub provider_payment_id: Option<String>,
    pub failed_attempts: u32,
    pub refunds: BTreeMap<RefundId, Money>,
    pub total_refunded: Money,
    pub dispute: Option<Dispute>,
    /// Every provider event id already applied to this order.
    pub provider_events: BTreeSet<String>,
}

impl OrderState {
    /// What the cardholder could still get back: paid, less refunds, less a lost dispute.
    pub fn refundable(&self) -> Money {
        if !self.status.is_paid() {
            return Money::zero(self.amount.currency);
        }
        let lost = match &self.dispute {
            Some(Dispute {
                amount,
                outcome: Some(DisputeOutcome::Lost),
                ..
            }) => amount.minor,
            _ => 0,
        };
        let minor = self.amount.minor - self.total_refunded.minor - lost;
        Money::new(minor.max(0), self.amount.currency)
    }

    /// How much of a provider-reported cumulative refund total (Stripe's `amount_refunded`) is
    /// not yet recorded on this order, or `None` when everything is (or the currency differs).
    /// A `charge.refunded` webhook becomes a `Refund` command for exactly this amount.
    pub fn unrecorded_refund(&self, provider_total_refunded: Money) -> Option<Money> {
        if provider_total_refunded.currency != self.total_refunded.currency {
            return None;
        }
        let missing = provider_total_refunded.minor - self.total_refunded.minor;
        (missing > 0).then(|| Money::new(missing, provider_total_refunded.currency))
    }
}
