//! What can be asked of an order: the commands, and what an order buys. The billing interval is
//! the subscription's own type, so an order and the subscription it pays for never disagree.

pub use crate::membership::subscription::BillingInterval;

use crate::ids::{ContentId, MemberId, RefundId, SpaceId, TierId};
use crate::money::Money;
use crate::payment::order::DisputeOutcome;
use crate::payment::provider::ChargeOutcome;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an order pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderItem {
    /// One period of a paid tier, `[period_start, period_end)`.
    SubscriptionPeriod {
        tier_id: TierId,
        interval: BillingInterval,
        period_start: DateTime<Utc>,
        period_end: DateTime<Utc>,
    },
    /// A one-off purchase of a content item whose access policy is `purchase`.
    Content { content_id: ContentId },
}

/// The longest provider event id or dispute id an order accepts.
pub const MAX_PROVIDER_ID: usize = 255;
/// The longest refund reason.
pub const MAX_REFUND_REASON: usize = 500;

/// A request to change an order. `provider_event_id` is the provider's id for the webhook (or
/// API answer) the command comes from, if any: it makes the command idempotent.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderCommand {
    /// Opens the order. `amount` is the price the caller looked up (tier price, or the content
    /// item's purchase price), in the space's currency.
    Place {
        space_id: SpaceId,
        member_id: MemberId,
        item: OrderItem,
        amount: Money,
        now: DateTime<Utc>,
    },
    /// Records what the provider answered to a charge of this order.
    RecordCharge {
        outcome: ChargeOutcome,
        provider_event_id: Option<String>,
        now: DateTime<Utc>,
    },
    /// Gives back part or all of what was paid. Retrying with the same `refund_id` and amount
    /// causes no new events.
    Refund {
        refund_id: RefundId,
        amount: Money,
        reason: String,
        provider_event_id: Option<String>,
        now: DateTime<Utc>,
    },
    /// Records that the cardholder disputed the payment.
    OpenDispute {
        dispute_id: String,
        amount: Money,
        provider_event_id: Option<String>,
        now: DateTime<Utc>,
    },
    /// Records how the open dispute ended.
    CloseDispute {
        dispute_id: String,
        outcome: DisputeOutcome,
        provider_event_id: Option<String>,
        now: DateTime<Utc>,
    },
}
