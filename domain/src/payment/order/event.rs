//! What happened to an order: its events as stored in the log, and the values they carry.

use crate::event::DomainEvent;
use crate::ids::{MemberId, RefundId, SpaceId};
use crate::money::Money;
use crate::payment::order::OrderItem;
use crate::payment::provider::DeclineCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a dispute ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// The creator keeps the money.
    Won,
    /// The disputed amount went back to the cardholder: the money is gone.
    Lost,
}

/// Why a charge did not go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    CardDeclined,
    InsufficientFunds,
    /// A temporary failure: the same charge may be retried.
    RequiresRetry,
}

impl From<DeclineCode> for FailureReason {
    fn from(code: DeclineCode) -> Self {
        match code {
            DeclineCode::CardDeclined => FailureReason::CardDeclined,
            DeclineCode::InsufficientFunds => FailureReason::InsufficientFunds,
        }
    }
}

/// What happened to an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum OrderEvent {
    OrderPlaced {
        space_id: SpaceId,
        member_id: MemberId,
        item: OrderItem,
        amount: Money,
        at: DateTime<Utc>,
    },
    /// The order's full amount was taken.
    PaymentSucceeded {
        provider_payment_id: String,
        amount: Money,
        provider_event_id: Option<String>,
        at: DateTime<Utc>,
    },
    /// A charge failed; `attempt` counts the failures of this order, from 1.
    PaymentFailed {
        reason: FailureReason,
        attempt: u32,
        provider_event_id: Option<String>,
        at: DateTime<Utc>,
    },
    /// `amount` was given back; `total_refunded` is the sum of all refunds so far, and `full`
    /// says whether nothing is left to refund.
    Refunded {
        refund_id: RefundId,
        amount: Money,
        total_refunded: Money,
        full: bool,
        reason: String,
        provider_event_id: Option<String>,
        at: DateTime<Utc>,
    },
    DisputeOpened {
        dispute_id: String,
        amount: Money,
        provider_event_id: Option<String>,
        at: DateTime<Utc>,
    },
    /// The dispute ended; when `outcome` is `Lost`, `amount` is gone.
    DisputeClosed {
        dispute_id: String,
        outcome: DisputeOutcome,
        amount: Money,
        provider_event_id: Option<String>,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for OrderEvent {
    fn event_type(&self) -> &'static str {
        match self {
            OrderEvent::OrderPlaced { .. } => "OrderPlaced",
            OrderEvent::PaymentSucceeded { .. } => "PaymentSucceeded",
            OrderEvent::PaymentFailed { .. } => "PaymentFailed",
            OrderEvent::Refunded { .. } => "Refunded",
            OrderEvent::DisputeOpened { .. } => "DisputeOpened",
            OrderEvent::DisputeClosed { .. } => "DisputeClosed",
        }
    }
}

impl OrderEvent {
    /// The provider event this event came from, if any.
    pub fn provider_event_id(&self) -> Option<&str> {
        match self {
            OrderEvent::OrderPlaced { .. } => None,
            OrderEvent::PaymentSucceeded {
                provider_event_id, ..
            }
            | OrderEvent::PaymentFailed {
                provider_event_id, ..
            }
            | OrderEvent::Refunded {
                provider_event_id, ..
            }
            | OrderEvent::DisputeOpened {
                provider_event_id, ..
            }
            | OrderEvent::DisputeClosed {
                provider_event_id, ..
            } => provider_event_id.as_deref(),
        }
    }
}
