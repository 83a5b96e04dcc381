//! GraphQL types for changing and buying memberships: a tier change with its proration, a
//! pending downgrade, and what a checkout made. Converted from the REST DTOs.

use super::types::{MemberOrder, MemberSubscription};
use crate::dto;
use crate::service::checkout;
use async_graphql::{Enum, ID, SimpleObject};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ChangeDirection {
    /// Immediate and prorated.
    Upgrade,
    /// At the next boundary.
    Downgrade,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CompReason {
    /// Given by the creator.
    Comp,
    /// Paid for by someone else.
    Gift,
}

/// A downgrade waiting for the subscription's next boundary.
#[derive(SimpleObject, Clone)]
pub struct PendingDowngrade {
    pub tier_id: ID,
    /// The price per period from then on, before offers.
    pub price_minor: i64,
    pub effective_at: String,
}

impl From<dto::PendingDowngrade> for PendingDowngrade {
    fn from(p: dto::PendingDowngrade) -> Self {
        Self {
            tier_id: ID(p.tier_id.to_string()),
            price_minor: p.price_minor,
            effective_at: p.effective_at,
        }
    }
}

/// What an immediate upgrade cost.
#[derive(SimpleObject, Clone)]
pub struct Proration {
    /// The unused part of the period at the old price.
    pub credit_minor: i64,
    /// What was charged now: the unused part at the new price, less the credit.
    pub charged_minor: i64,
    pub currency: String,
}

/// The outcome of a tier change.
#[derive(SimpleObject, Clone)]
pub struct TierChange {
    pub subscription: MemberSubscription,
    pub direction: ChangeDirection,
    /// Now for an upgrade; the next boundary for a downgrade.
    pub effective_at: String,
    /// For an upgrade; null for a downgrade.
    pub proration: Option<Proration>,
}

impl From<dto::TierChange> for TierChange {
    fn from(c: dto::TierChange) -> Self {
        Self {
            subscription: c.subscription.into(),
            direction: match c.direction {
                dto::ChangeDirectionDto::Upgrade => ChangeDirection::Upgrade,
                dto::ChangeDirectionDto::Downgrade => ChangeDirection::Downgrade,
            },
            effective_at: c.effective_at,
            proration: c.proration.map(|p| Proration {
                credit_minor: p.credit_minor,
                charged_minor: p.charged_minor,
                currency: p.currency,
            }),
        }
    }
}

/// What a checkout made: a subscription or an order (the other is null).
#[derive(SimpleObject, Clone)]
pub struct Checkout {
    pub subscription: Option<MemberSubscription>,
    pub order: Option<MemberOrder>,
}

impl From<checkout::Checkout> for Checkout {
    fn from(c: checkout::Checkout) -> Self {
        match c {
            checkout::Checkout::Subscription(s) => Self {
                subscription: Some(s.into()),
                order: None,
            },
            checkout::Checkout::Order(o) => Self {
                subscription: None,
                order: Some(o.into()),
            },
        }
    }
}
