//! The Subscription aggregate: one member's paid (or comped) membership of one tier, from start
//! to cancellation, on a clock the caller passes in. The aggregate never reads a clock and never
//! talks to a payment provider: the caller charges the amount [`Subscription::amount_due`] names
//! and puts the provider's answer into the command.
//!
//! The model:
//! - `Start` with trial days opens a **trial**; without, the subscription is **incomplete** until
//!   `ConfirmFirstPayment` succeeds (a failure leaves it incomplete, so the member may try another
//!   card). An incomplete subscription expires 23 hours after it started.
//! - Paid time is cut into **cycles** (1, 2, …) of one or twelve calendar months, all counted from
//!   one anchor (the trial end, or the first payment), so periods never drift. Cycle 1 is the first
//!   charge; offers are priced per cycle ([`AppliedOffer::price_for_cycle`]).
//! - At each cycle boundary (trial end or period end) the next cycle opens and its charge either
//!   succeeds (**active**) or fails (**past_due**). Past due keeps access while the charge is
//!   retried on the [`DunningSchedule`] (days after the first failure); after the last failed retry
//!   the subscription is **canceled** with reason `payment_failed`. A recovered cycle keeps its
//!   original period.
//! - The price is stored at start and only changes by a tier change of this subscription, so a
//!   tier's new price applies to new subscriptions only.
//! - An upgrade is immediate and prorated, and must already be paid (see
//!   [`Subscription::quote_upgrade`]); a downgrade waits for the next boundary, where it applies
//!   before that boundary's charge.
//! - Cancel at period end (or trial end) can be withdrawn until then; `Expire` ends it. `Cancel`
//!   ends any subscription at once, without a refund.
//! - A comp or gift is active without payment until its `until`, then expires.
//! - Boundaries are due at a fixed time ([`Subscription::next_due`]); a command that arrives early
//!   is refused with `invalid_transition`, one that arrives late uses the scheduled time for the
//!   period bounds. Repeating a cancel-at-period-end or a resume changes nothing.
//! - A charge a provider collects on its own schedule (a Stripe invoice) becomes the same
//!   commands under the same rules ([`Subscription::settle_collected`]).
//!
//! | status | command | → |
//! |---|---|---|
//! | — | `Start` | trialing (trial days) or incomplete |
//! | — | `Comp` | active (comp) |
//! | incomplete | `ConfirmFirstPayment` ok / failed | active / incomplete |
//! | trialing | `EndTrial` ok / failed | active / past_due |
//! | active | `Renew` ok / failed | active / past_due |
//! | past_due | `RetryPayment` ok / failed / last failed | active / past_due / canceled |
//! | trialing, active | `CancelAtPeriodEnd`, `Resume` | same status, flag set or cleared |
//! | trialing, active | `ChangeTier` upgrade / downgrade | same status, new tier now / at boundary |
//! | trialing, active | `ApplyOffer` (retention) | same status, offer from the next charge |
//! | incomplete (23 h), set to cancel (boundary), comp (`until`) | `Expire` when due | canceled |
//! | any but canceled | `Cancel` | canceled |

mod billing;
mod collected;
mod decide;
mod state;

pub use billing::{DunningSchedule, Proration};
pub use collected::NotSettled;
pub use state::{
    Billing, DunningState, OfferTerms, PaidTerms, PendingDowngrade, Period, Subscription,
    SubscriptionState,
};

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::event::DomainEvent;
use crate::ids::{MemberId, SpaceId, TierId};
use crate::membership::offer::AppliedOffer;
use crate::membership::referral::ReferredBy;
use crate::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long an unpaid subscription without a trial waits for its first payment.
pub const INCOMPLETE_EXPIRES_AFTER_HOURS: i64 = 23;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingInterval {
    Monthly,
    Yearly,
}

impl BillingInterval {
    /// Calendar months per cycle.
    pub fn months(self) -> u32 {
        match self {
            BillingInterval::Monthly => 1,
            BillingInterval::Yearly => 12,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompReason {
    /// Given by the creator.
    Comp,
    /// Paid for by someone else.
    Gift,
}

/// Which way a tier change goes; the caller decides by comparing prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeDirection {
    Upgrade,
    Downgrade,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The member (or the creator) asked, at period end or at once.
    Requested,
    /// The last dunning retry failed.
    PaymentFailed,
    /// The first payment never came.
    IncompleteExpired,
    /// The member was banned: the next boundary ended it instead of charging them.
    MemberBanned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Incomplete,
    Trialing,
    Active,
    PastDue,
    Canceled,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Incomplete => "incomplete",
            SubscriptionStatus::Trialing => "trialing",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Canceled => "canceled",
        }
    }

    /// Whether the member may use the tier: during a trial, when paid, and during dunning.
    pub fn grants_access(self) -> bool {
        matches!(
            self,
            SubscriptionStatus::Trialing | SubscriptionStatus::Active | SubscriptionStatus::PastDue
        )
    }
}

/// A successful charge, as the payment provider reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Must equal what was due; a zero amount (a 100 % offer) needs no provider call.
    pub amount: Money,
    pub provider_payment_id: String,
}

/// The provider's answer to the charge for a cycle. A provider's temporary "requires retry" is
/// retried by the caller first; what it still cannot collect is reported as `Failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeResult {
    Succeeded(Payment),
    Failed { reason: String },
}

/// What a scheduler should run, and when ([`Subscription::next_due`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueAction {
    /// Charge cycle 1 and send `EndTrial`.
    EndTrial,
    /// Charge the next cycle and send `Renew`.
    Renew,
    /// Charge the past-due cycle again and send `RetryPayment`.
    RetryPayment,
    /// Send `Expire`: a cancellation at period end, a comp's end, or an abandoned first payment.
    Expire,
}

impl DueAction {
    /// Whether the caller must charge [`Subscription::amount_due`] before sending the command.
    pub fn charges(self) -> bool {
        !matches!(self, DueAction::Expire)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionCommand {
    Start {
        space_id: SpaceId,
        member_id: MemberId,
        tier_id: TierId,
        /// The tier's current price for `interval`, looked up by the caller and kept for good.
        price: Money,
        interval: BillingInterval,
        trial_days: u32,
        /// A sign-up offer the member just redeemed.
        offer: Option<AppliedOffer>,
        /// The member whose referral code this member signed up with, for commissions.
        referral: Option<ReferredBy>,
        /// The space's dunning schedule, kept for this subscription.
        dunning: DunningSchedule,
        now: DateTime<Utc>,
    },
    Comp {
        space_id: SpaceId,
        member_id: MemberId,
        tier_id: TierId,
        reason: CompReason,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    ConfirmFirstPayment {
        now: DateTime<Utc>,
        charge: ChargeResult,
    },
    EndTrial {
        now: DateTime<Utc>,
        charge: ChargeResult,
    },
    Renew {
        now: DateTime<Utc>,
        charge: ChargeResult,
    },
    RetryPayment {
        now: DateTime<Utc>,
        charge: ChargeResult,
    },
    CancelAtPeriodEnd {
        now: DateTime<Utc>,
    },
    Resume {
        now: DateTime<Utc>,
    },
    /// Ends the subscription at once, in any open status.
    Cancel {
        now: DateTime<Utc>,
    },
    /// Ends the subscription at once because its member is banned: what the scheduler sends at
    /// a boundary instead of charging a banned member again.
    CancelForBan {
        now: DateTime<Utc>,
    },
    Expire {
        now: DateTime<Utc>,
    },
    ChangeTier {
        new_tier_id: TierId,
        /// The new tier's current price for this subscription's interval.
        new_price: Money,
        direction: ChangeDirection,
        /// For an upgrade of an active subscription: the prorated charge, already taken, for
        /// the amount [`Subscription::quote_upgrade`] gave at this same `now`. `None` when that
        /// amount is zero.
        payment: Option<Payment>,
        now: DateTime<Utc>,
    },
    /// Gives a retention offer to a trialing or active subscription, from the next charge on.
    ApplyOffer {
        offer: AppliedOffer,
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum SubscriptionEvent {
    /// A trial (`trial_end` set) or an incomplete subscription awaiting its first payment.
    SubscriptionStarted {
        space_id: SpaceId,
        member_id: MemberId,
        tier_id: TierId,
        price: Money,
        interval: BillingInterval,
        trial_end: Option<DateTime<Utc>>,
        offer: Option<AppliedOffer>,
        /// The referral code given at the start.
        referral_code: Option<String>,
        /// The member that code belongs to, who earns a commission on the first payment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        referred_by: Option<MemberId>,
        dunning: DunningSchedule,
        started_at: DateTime<Utc>,
    },
    CompGranted {
        space_id: SpaceId,
        member_id: MemberId,
        tier_id: TierId,
        reason: CompReason,
        granted_at: DateTime<Utc>,
        until: DateTime<Utc>,
    },
    FirstPaymentFailed {
        reason: String,
        failed_at: DateTime<Utc>,
    },
    TrialEnded {
        trial_end: DateTime<Utc>,
    },
    /// Cycle 1 was paid: the first paying period.
    SubscriptionActivated {
        period_start: DateTime<Utc>,
        period_end: DateTime<Utc>,
        amount: Money,
        provider_payment_id: String,
        activated_at: DateTime<Utc>,
    },
    /// A later cycle was paid, on time or by a dunning retry.
    SubscriptionRenewed {
        cycle: u32,
        period_start: DateTime<Utc>,
        period_end: DateTime<Utc>,
        amount: Money,
        provider_payment_id: String,
        renewed_at: DateTime<Utc>,
    },
    /// A charge for `cycle` failed; `attempt` 1 is the charge at the boundary.
    RenewalFailed {
        cycle: u32,
        attempt: u32,
        amount: Money,
        reason: String,
        failed_at: DateTime<Utc>,
        next_retry_at: Option<DateTime<Utc>>,
    },
    SubscriptionPastDue {
        cycle: u32,
        period_start: DateTime<Utc>,
        period_end: DateTime<Utc>,
        since: DateTime<Utc>,
    },
    CancellationScheduled {
        effective_at: DateTime<Utc>,
        scheduled_at: DateTime<Utc>,
    },
    CancellationWithdrawn {
        withdrawn_at: DateTime<Utc>,
    },
    /// Access ended at `canceled_at` (the period end for a scheduled cancellation).
    SubscriptionCanceled {
        reason: CancelReason,
        canceled_at: DateTime<Utc>,
    },
    SubscriptionUpgraded {
        from_tier: TierId,
        to_tier: TierId,
        old_price: Money,
        new_price: Money,
        credit: Money,
        prorated_charge: Money,
        provider_payment_id: Option<String>,
        upgraded_at: DateTime<Utc>,
    },
    DowngradeScheduled {
        from_tier: TierId,
        to_tier: TierId,
        new_price: Money,
        effective_at: DateTime<Utc>,
        scheduled_at: DateTime<Utc>,
    },
    DowngradeApplied {
        from_tier: TierId,
        to_tier: TierId,
        old_price: Money,
        new_price: Money,
        applied_at: DateTime<Utc>,
    },
    OfferApplied {
        offer: AppliedOffer,
        from_cycle: u32,
        applied_at: DateTime<Utc>,
    },
    CompExpired {
        until: DateTime<Utc>,
    },
}

impl DomainEvent for SubscriptionEvent {
    fn event_type(&self) -> &'static str {
        use SubscriptionEvent as E;
        match self {
            E::SubscriptionStarted { .. } => "SubscriptionStarted",
            E::CompGranted { .. } => "CompGranted",
            E::FirstPaymentFailed { .. } => "FirstPaymentFailed",
            E::TrialEnded { .. } => "TrialEnded",
            E::SubscriptionActivated { .. } => "SubscriptionActivated",
            E::SubscriptionRenewed { .. } => "SubscriptionRenewed",
            E::RenewalFailed { .. } => "RenewalFailed",
            E::SubscriptionPastDue { .. } => "SubscriptionPastDue",
            E::CancellationScheduled { .. } => "CancellationScheduled",
            E::CancellationWithdrawn { .. } => "CancellationWithdrawn",
            E::SubscriptionCanceled { .. } => "SubscriptionCanceled",
            E::SubscriptionUpgraded { .. } => "SubscriptionUpgraded",
            E::DowngradeScheduled { .. } => "DowngradeScheduled",
            E::DowngradeApplied { .. } => "DowngradeApplied",
            E::OfferApplied { .. } => "OfferApplied",
            E::CompExpired { .. } => "CompExpired",
        }
    }
}

impl Aggregate for Subscription {
    const TYPE: &'static str = "subscription";
    type Command = SubscriptionCommand;
    type Event = SubscriptionEvent;

    fn decide(&self, command: SubscriptionCommand) -> Result<Vec<SubscriptionEvent>, DomainError> {
        decide::decide(self.state.as_ref(), command)
    }

    fn apply(&mut self, event: &SubscriptionEvent) {
        self.fold(event);
    }
}

#[cfg(test)]
mod tests;
