//! The state of a subscription as folded from its events, and the questions a scheduler or a
//! handler asks of it: what is due next, how much, and what an upgrade would cost.

use super::billing::{self, DunningSchedule, Proration};
use super::{
    BillingInterval, CompReason, DueAction, INCOMPLETE_EXPIRES_AFTER_HOURS, SubscriptionEvent,
    SubscriptionStatus, decide,
};
use crate::error::DomainError;
use crate::ids::{MemberId, SpaceId, TierId};
use crate::membership::offer::AppliedOffer;
use crate::money::Money;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Subscription {
    pub state: Option<SubscriptionState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubscriptionState {
    pub space_id: SpaceId,
    pub member_id: MemberId,
    pub tier_id: TierId,
    pub status: SubscriptionStatus,
    pub started_at: DateTime<Utc>,
    pub billing: Billing,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Billing {
    Paid(PaidTerms),
    Comp {
        reason: CompReason,
        until: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PaidTerms {
    /// The list price per cycle, before offers.
    pub price: Money,
    pub interval: BillingInterval,
    /// Offers in the order given; the latest that has started prices a cycle.
    pub offers: Vec<OfferTerms>,
    pub dunning: DunningSchedule,
    pub trial_end: Option<DateTime<Utc>>,
    /// Where cycle 1 starts; every period is counted from it.
    pub anchor: Option<DateTime<Utc>>,
    /// The current (paid or past-due) cycle; 0 before the first.
    pub cycle: u32,
    pub period: Option<Period>,
    pub cancel_at_period_end: bool,
    pub pending_downgrade: Option<PendingDowngrade>,
    pub dunning_state: Option<DunningState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfferTerms {
    pub offer: AppliedOffer,
    pub from_cycle: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PendingDowngrade {
    pub tier_id: TierId,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DunningState {
    /// The first failure of the cycle; retries are counted from it.
    pub since: DateTime<Utc>,
    pub failed_attempts: u32,
    pub next_retry_at: Option<DateTime<Utc>>,
}

impl PaidTerms {
    /// The price of `cycle` at list price `base`, after offers.
    pub fn price_for_cycle(&self, base: Money, cycle: u32) -> Result<Money, DomainError> {
        billing::price_for_cycle(&self.offers, self.interval, base, cycle)
    }

    /// Where the current trial or period ends: the next boundary.
    pub fn boundary(&self) -> Option<DateTime<Utc>> {
        match self.period {
            Some(period) => Some(period.end),
            None => self.trial_end,
        }
    }
}

impl Subscription {
    pub fn status(&self) -> Option<SubscriptionStatus> {
        self.state.as_ref().map(|s| s.status)
    }

    /// What a scheduler must run next, and from when. `None` once canceled.
    pub fn next_due(&self) -> Option<(DateTime<Utc>, DueAction)> {
        let state = self.state.as_ref()?;
        let terms = match &state.billing {
            Billing::Comp { until, .. } if state.status == SubscriptionStatus::Active => {
                return Some((*until, DueAction::Expire));
            }
            Billing::Comp { .. } => return None,
            Billing::Paid(terms) => terms,
        };
        let at_boundary = |action| {
            let action = if terms.cancel_at_period_end {
                DueAction::Expire
            } else {
                action
            };
            terms.boundary().map(|at| (at, action))
        };
        match state.status {
            SubscriptionStatus::Incomplete => {
                billing::add_hours(state.started_at, INCOMPLETE_EXPIRES_AFTER_HOURS)
                    .ok()
                    .map(|at| (at, DueAction::Expire))
            }
            SubscriptionStatus::Trialing => at_boundary(DueAction::EndTrial),
            SubscriptionStatus::Active => at_boundary(DueAction::Renew),
            SubscriptionStatus::PastDue => terms
                .dunning_state
                .as_ref()
                .and_then(|d| d.next_retry_at)
                .map(|at| (at, DueAction::RetryPayment)),
            SubscriptionStatus::Canceled => None,
        }
    }

    /// What the next charge must be for: the first payment, the cycle after the trial or the
    /// current period (at a pending downgrade's price), or the past-due cycle. `None` when no
    /// charge is expected (comps, canceled, cancellation scheduled).
    pub fn amount_due(&self) -> Result<Option<Money>, DomainError> {
        let Some(state) = &self.state else {
            return Ok(None);
        };
        let Billing::Paid(terms) = &state.billing else {
            return Ok(None);
        };
        let next_price = match &terms.pending_downgrade {
            Some(downgrade) => downgrade.price,
            None => terms.price,
        };
        let due = match state.status {
            SubscriptionStatus::Incomplete => Some((terms.price, 1)),
            SubscriptionStatus::Trialing | SubscriptionStatus::Active
                if terms.cancel_at_period_end =>
            {
                None
            }
            SubscriptionStatus::Trialing | SubscriptionStatus::Active => {
                Some((next_price, terms.cycle + 1))
            }
            SubscriptionStatus::PastDue => Some((terms.price, terms.cycle)),
            SubscriptionStatus::Canceled => None,
        };
        due.map(|(price, cycle)| terms.price_for_cycle(price, cycle))
            .transpose()
    }

    /// What upgrading to `new_price` at `now` costs. The caller charges `prorated_charge` (if
    /// any) and then sends `ChangeTier` with the same `now` and the payment.
    pub fn quote_upgrade(
        &self,
        new_price: Money,
        now: DateTime<Utc>,
    ) -> Result<Proration, DomainError> {
        let state = self
            .state
            .as_ref()
            .ok_or_else(|| DomainError::not_found("subscription"))?;
        decide::quote_upgrade(state, new_price, now)
    }
}

impl Subscription {
    /// Folds one event into the state (the body of [`crate::aggregate::Aggregate::apply`]).
    pub(super) fn fold(&mut self, event: &SubscriptionEvent) {
        use SubscriptionEvent as E;
        if let E::SubscriptionStarted {
            space_id,
            member_id,
            tier_id,
            price,
            interval,
            trial_end,
            offer,
            dunning,
            started_at,
            ..
        } = event
        {
            self.state = Some(SubscriptionState {
                space_id: *space_id,
                member_id: *member_id,
                tier_id: *tier_id,
                status: match trial_end {
                    Some(_) => SubscriptionStatus::Trialing,
                    None => SubscriptionStatus::Incomplete,
                },
                started_at: *started_at,
                billing: Billing::Paid(PaidTerms {
                    price: *price,
                    interval: *interval,
                    offers: offer
                        .iter()
                        .map(|offer| OfferTerms {
                            offer: offer.clone(),
                            from_cycle: 1,
                        })
                        .collect(),
                    dunning: dunning.clone(),
                    trial_end: *trial_end,
                    anchor: None,
                    cycle: 0,
                    period: None,
                    cancel_at_period_end: false,
                    pending_downgrade: None,
                    dunning_state: None,
                }),
                ended_at: None,
            });
            return;
        }
        if let E::CompGranted {
            space_id,
            member_id,
            tier_id,
            reason,
            granted_at,
            until,
        } = event
        {
            self.state = Some(SubscriptionState {
                space_id: *space_id,
                member_id: *member_id,
                tier_id: *tier_id,
                status: SubscriptionStatus::Active,
                started_at: *granted_at,
                billing: Billing::Comp {
                    reason: *reason,
                    until: *until,
                },
                ended_at: None,
            });
            return;
        }
        let Some(state) = &mut self.state else {
            return;
        };
        match event {
            E::SubscriptionCanceled { canceled_at, .. } => {
                state.status = SubscriptionStatus::Canceled;
                state.ended_at = Some(*canceled_at);
            }
            E::CompExpired { until } => {
                state.status = SubscriptionStatus::Canceled;
                state.ended_at = Some(*until);
            }
            E::SubscriptionUpgraded { to_tier, .. } | E::DowngradeApplied { to_tier, .. } => {
                state.tier_id = *to_tier;
            }
            _ => {}
        }
        if let Billing::Paid(terms) = &mut state.billing {
            apply_paid(&mut state.status, terms, event);
        }
    }
}

/// Folds the events that change billing terms.
fn apply_paid(status: &mut SubscriptionStatus, terms: &mut PaidTerms, event: &SubscriptionEvent) {
    use SubscriptionEvent as E;
    match event {
        E::SubscriptionActivated {
            period_start,
            period_end,
            ..
        } => {
            *status = SubscriptionStatus::Active;
            terms.anchor = Some(*period_start);
            terms.cycle = 1;
            terms.period = Some(Period {
                start: *period_start,
                end: *period_end,
            });
            terms.dunning_state = None;
        }
        E::SubscriptionRenewed {
            cycle,
            period_start,
            period_end,
            ..
        } => {
            *status = SubscriptionStatus::Active;
            terms.cycle = *cycle;
            terms.period = Some(Period {
                start: *period_start,
                end: *period_end,
            });
            terms.dunning_state = None;
        }
        E::RenewalFailed {
            attempt,
            failed_at,
            next_retry_at,
            ..
        } => {
            let since = match &terms.dunning_state {
                Some(dunning) if *attempt > 1 => dunning.since,
                _ => *failed_at,
            };
            terms.dunning_state = Some(DunningState {
                since,
                failed_attempts: *attempt,
                next_retry_at: *next_retry_at,
            });
        }
        E::SubscriptionPastDue {
            cycle,
            period_start,
            period_end,
            ..
        } => {
            *status = SubscriptionStatus::PastDue;
            terms.anchor.get_or_insert(*period_start);
            terms.cycle = *cycle;
            terms.period = Some(Period {
                start: *period_start,
                end: *period_end,
            });
        }
        E::CancellationScheduled { .. } => terms.cancel_at_period_end = true,
        E::CancellationWithdrawn { .. } => terms.cancel_at_period_end = false,
        E::SubscriptionCanceled { .. } => {
            terms.cancel_at_period_end = false;
            terms.pending_downgrade = None;
            terms.dunning_state = None;
        }
        E::SubscriptionUpgraded { new_price, .. } => {
            terms.price = *new_price;
            terms.pending_downgrade = None;
        }
        E::DowngradeScheduled {
            to_tier, new_price, ..
        } => {
            terms.pending_downgrade = Some(PendingDowngrade {
                tier_id: *to_tier,
                price: *new_price,
            });
        }
        E::DowngradeApplied { new_price, .. } => {
            terms.price = *new_price;
            terms.pending_downgrade = None;
        }
        E::OfferApplied {
            offer, from_cycle, ..
        } => terms.offers.push(OfferTerms {
            offer: offer.clone(),
            from_cycle: *from_cycle,
        }),
        E::SubscriptionStarted { .. }
        | E::CompGranted { .. }
        | E::FirstPaymentFailed { .. }
        | E::TrialEnded { .. }
        | E::CompExpired { .. } => {}
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Subscription {
    const NOUN: &'static str = "subscription";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|s| s.space_id)
    }
    fn owner(&self) -> Option<crate::ids::MemberId> {
        self.state.as_ref().map(|s| s.member_id)
    }
}
