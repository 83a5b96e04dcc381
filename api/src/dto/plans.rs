//! Bodies for changing a running membership: a tier change (with its proration or scheduled
//! date), a retention offer, and a comped or gifted membership.

use super::Subscription;
use super::rules::{FieldRule, Format, Rule, on};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A downgrade waiting for the subscription's next boundary.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[schema(example = json!({"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "price_minor": 500,
    "effective_at": "2026-12-21T08:10:00.000000Z"}))]
pub struct PendingDowngrade {
    #[graphql(skip, derived(owned, name = "tier_id", into = "async_graphql::ID"))]
    pub tier_id: Uuid,
    /// The price per period from then on, before offers.
    pub price_minor: i64,
    /// The boundary where it applies: the end of the current period or trial.
    pub effective_at: String,
}

impl PendingDowngrade {
    /// From the read model's columns, which are all set or all empty.
    pub fn from_row(
        tier_id: Option<String>,
        price_minor: Option<i64>,
        effective_at: Option<String>,
    ) -> Option<Self> {
        Some(Self {
            tier_id: Uuid::parse_str(&tier_id?).ok()?,
            price_minor: price_minor?,
            effective_at: effective_at?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b"}))]
pub struct ChangeTier {
    /// A paid tier of the space, in the subscription's currency, with a price for the
    /// subscription's interval.
    pub tier_id: Uuid,
}

/// Which way a tier change went.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::Enum,
)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "ChangeDirection")]
pub enum ChangeDirectionDto {
    /// Immediate and prorated.
    Upgrade,
    /// At the next boundary.
    Downgrade,
}

/// What an immediate upgrade cost.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[schema(example = json!({"credit_minor": 450, "charged_minor": 550, "currency": "EUR"}))]
pub struct Proration {
    /// The unused part of the period at the old price.
    pub credit_minor: i64,
    /// The unused part at the new price, less the credit: what was charged now (never negative).
    pub charged_minor: i64,
    pub currency: String,
}

/// The outcome of a tier change.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[schema(example = json!({
    "subscription": {
        "id": "0192f0c4-9b70-7288-9364-1a2b3c4d5e6f", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
        "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b",
        "status": "active", "interval": "monthly", "price_minor": 2000, "currency": "EUR",
        "trial_end": null, "current_period_start": "2026-11-21T08:10:00.000000Z",
        "current_period_end": "2026-12-21T08:10:00.000000Z", "cancel_at_period_end": false,
        "comp_until": null, "started_at": "2026-11-21T08:10:00.000000Z", "ended_at": null,
        "created_at": "2026-11-21T08:10:00.000000Z", "updated_at": "2026-12-06T08:10:00.000000Z",
        "pending_downgrade": null, "latest_payment_error": null
    },
    "direction": "upgrade", "effective_at": "2026-12-06T08:10:00.000000Z",
    "proration": {"credit_minor": 450, "charged_minor": 550, "currency": "EUR"}
}))]
pub struct TierChange {
    /// The subscription after the change: on the new tier for an upgrade, with a
    /// `pending_downgrade` for a downgrade.
    pub subscription: Subscription,
    pub direction: ChangeDirectionDto,
    /// Now for an upgrade; the next boundary for a downgrade.
    pub effective_at: String,
    /// For an upgrade: the credit and the charge (both 0 during a trial). Null for a downgrade.
    pub proration: Option<Proration>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "STAY50"}))]
pub struct ApplyOffer {
    /// The code of a retention offer of the space.
    pub code: String,
}

/// Why a membership is given without payment.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::Enum,
)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "CompReason")]
pub enum CompReasonDto {
    /// Given by the creator.
    Comp,
    /// Paid for by someone else.
    Gift,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b",
    "until": "2027-06-30T00:00:00Z", "reason": "gift"}))]
pub struct CreateComp {
    /// A paid tier of the space that takes new members.
    pub tier_id: Uuid,
    /// When the membership ends (RFC 3339, in the future).
    pub until: String,
    pub reason: CompReasonDto,
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    vec![
        on::<ApplyOffer>("code", Rule::Pattern(super::patterns::offer_code())),
        on::<CreateComp>("until", Rule::Format(Format::DateTime)),
    ]
}
