//! The decisions of the Subscription aggregate: which events each command causes in each
//! status, or why it is refused.

use super::billing::{self, Proration};
use super::{
    Billing, CancelReason, ChangeDirection, ChargeResult, INCOMPLETE_EXPIRES_AFTER_HOURS,
    PaidTerms, Payment, Period, SubscriptionCommand, SubscriptionEvent, SubscriptionState,
    SubscriptionStatus,
};
use crate::error::{Code, DomainError};
use crate::membership::offer::{AppliedOffer, Discount, OfferPurpose};
use crate::membership::tier::MAX_TRIAL_DAYS;
use crate::money::Money;
use crate::values::bounded_text;
use SubscriptionCommand as C;
use SubscriptionEvent as E;
use SubscriptionStatus as S;
use chrono::{DateTime, Utc};

type Decision = Result<Vec<SubscriptionEvent>, DomainError>;

pub(super) fn decide(state: Option<&SubscriptionState>, command: SubscriptionCommand) -> Decision {
    let Some(state) = state else {
        return match command {
            C::Start {
                space_id,
                member_id,
                tier_id,
                price,
                interval,
                trial_days,
                offer,
                referral,
                dunning,
                now,
            } => {
                check_start(price, trial_days, offer.as_ref())?;
                if referral.as_ref().is_some_and(|r| r.referrer == member_id) {
                    return Err(DomainError::validation(
                        "a member cannot use their own referral code",
                    ));
                }
                let (referral_code, referred_by) = match referral {
                    Some(r) => (Some(r.code.to_string()), Some(r.referrer)),
                    None => (None, None),
                };
                let trial_end = match trial_days {
                    0 => None,
                    days => Some(billing::add_days(now, days)?),
                };
                Ok(vec![E::SubscriptionStarted {
                    space_id,
                    member_id,
                    tier_id,
                    price,
                    interval,
                    trial_end,
                    offer,
                    referral_code,
                    referred_by,
                    dunning,
                    started_at: now,
                }])
            }
            C::Comp {
                space_id,
                member_id,
                tier_id,
                reason,
                until,
                now,
            } => {
                if until <= now {
                    return Err(DomainError::validation("a comp must last into the future"));
                }
                Ok(vec![E::CompGranted {
                    space_id,
                    member_id,
                    tier_id,
                    reason,
                    granted_at: now,
                    until,
                }])
            }
            _ => Err(DomainError::not_found("subscription")),
        };
    };
    match command {
        C::Start { .. } | C::Comp { .. } => Err(DomainError::new(
            Code::Conflict,
            "subscription already exists",
        )),
        _ if state.status == S::Canceled => {
            Err(DomainError::transition("the subscription has ended"))
        }
        C::Cancel { now } => Ok(vec![E::SubscriptionCanceled {
            reason: CancelReason::Requested,
            canceled_at: now,
        }]),
        C::CancelForBan { now } => Ok(vec![E::SubscriptionCanceled {
            reason: CancelReason::MemberBanned,
            canceled_at: now,
        }]),
        C::Expire { now } => match &state.billing {
            Billing::Comp { until, .. } if now >= *until => {
                Ok(vec![E::CompExpired { until: *until }])
            }
            Billing::Comp { until, .. } => Err(not_before(*until)),
            Billing::Paid(terms) => expire(state, terms, now),
        },
        C::ConfirmFirstPayment { now, charge } => {
            confirm_first_payment(state, paid_terms(state)?, now, charge)
        }
        C::EndTrial { now, charge } => end_trial(state, paid_terms(state)?, now, charge),
        C::Renew { now, charge } => renew(state, paid_terms(state)?, now, charge),
        C::RetryPayment { now, charge } => retry(state, paid_terms(state)?, now, charge),
        C::CancelAtPeriodEnd { now } => cancel_at_period_end(state, paid_terms(state)?, now),
        C::Resume { now } => resume(state, paid_terms(state)?, now),
        C::ChangeTier {
            new_tier_id,
            new_price,
            direction,
            payment,
            now,
        } => {
            let terms = paid_terms(state)?;
            open(state)?;
            if new_tier_id == state.tier_id {
                return Err(DomainError::validation("already on this tier"));
            }
            match direction {
                ChangeDirection::Upgrade => {
                    let quote = quote_upgrade(state, new_price, now)?;
                    Ok(vec![E::SubscriptionUpgraded {
                        from_tier: state.tier_id,
                        to_tier: new_tier_id,
                        old_price: terms.price,
                        new_price,
                        credit: quote.credit,
                        prorated_charge: quote.prorated_charge,
                        provider_payment_id: upgrade_payment(quote.prorated_charge, payment)?,
                        upgraded_at: now,
                    }])
                }
                ChangeDirection::Downgrade => {
                    check_price(terms, new_price)?;
                    Ok(vec![E::DowngradeScheduled {
                        from_tier: state.tier_id,
                        to_tier: new_tier_id,
                        new_price,
                        effective_at: boundary(terms)?,
                        scheduled_at: now,
                    }])
                }
            }
        }
        C::ApplyOffer { offer, now } => {
            let terms = paid_terms(state)?;
            open(state)?;
            check_offer(&offer, OfferPurpose::Retention, terms.price)?;
            Ok(vec![E::OfferApplied {
                offer,
                from_cycle: terms.cycle + 1,
                applied_at: now,
            }])
        }
    }
}

/// Checks a `Start`'s price, trial and offer.
fn check_start(
    price: Money,
    trial_days: u32,
    offer: Option<&AppliedOffer>,
) -> Result<(), DomainError> {
    Money::positive(price.minor, price.currency)?;
    if trial_days > MAX_TRIAL_DAYS {
        return Err(DomainError::validation(format!(
            "trial_days must be at most {MAX_TRIAL_DAYS}"
        )));
    }
    if let Some(offer) = offer {
        check_offer(offer, OfferPurpose::SignUp, price)?;
    }
    Ok(())
}

fn paid_terms(state: &SubscriptionState) -> Result<&PaidTerms, DomainError> {
    match &state.billing {
        Billing::Paid(terms) => Ok(terms),
        Billing::Comp { .. } => Err(DomainError::transition(
            "a comped membership is not billed; it expires or is canceled",
        )),
    }
}

fn confirm_first_payment(
    state: &SubscriptionState,
    terms: &PaidTerms,
    now: DateTime<Utc>,
    charge: ChargeResult,
) -> Decision {
    if state.status != S::Incomplete {
        return Err(DomainError::transition(
            "only an incomplete subscription awaits its first payment",
        ));
    }
    let amount = terms.price_for_cycle(terms.price, 1)?;
    match charge {
        ChargeResult::Succeeded(payment) => {
            let period = billing::period_of(now, terms.interval, 1)?;
            Ok(vec![paid(1, period, amount, payment, now)?])
        }
        ChargeResult::Failed { reason } => Ok(vec![E::FirstPaymentFailed {
            reason: failure_reason(reason)?,
            failed_at: now,
        }]),
    }
}

fn end_trial(
    state: &SubscriptionState,
    terms: &PaidTerms,
    now: DateTime<Utc>,
    charge: ChargeResult,
) -> Decision {
    let trial_end = match (state.status, terms.trial_end) {
        (S::Trialing, Some(trial_end)) if !terms.cancel_at_period_end => trial_end,
        (S::Trialing, _) => {
            return Err(DomainError::transition(
                "the trial is set to cancel at its end: expire it instead",
            ));
        }
        _ => return Err(DomainError::transition("the subscription is not trialing")),
    };
    if now < trial_end {
        return Err(not_before(trial_end));
    }
    let events = vec![E::TrialEnded { trial_end }];
    open_cycle(state, terms, trial_end, now, charge, events)
}

fn renew(
    state: &SubscriptionState,
    terms: &PaidTerms,
    now: DateTime<Utc>,
    charge: ChargeResult,
) -> Decision {
    let (S::Active, Some(anchor), Some(period)) = (state.status, terms.anchor, terms.period) else {
        return Err(DomainError::transition(
            "only an active subscription renews; a past-due one is retried",
        ));
    };
    if terms.cancel_at_period_end {
        return Err(DomainError::transition(
            "the subscription is set to cancel at period end: expire it instead",
        ));
    }
    if now < period.end {
        return Err(not_before(period.end));
    }
    open_cycle(state, terms, anchor, now, charge, Vec::new())
}

/// Opens the cycle after the current one at a boundary: applies a pending downgrade, then
/// settles the charge.
fn open_cycle(
    state: &SubscriptionState,
    terms: &PaidTerms,
    anchor: DateTime<Utc>,
    now: DateTime<Utc>,
    charge: ChargeResult,
    mut events: Vec<SubscriptionEvent>,
) -> Decision {
    let cycle = terms.cycle + 1;
    let period = billing::period_of(anchor, terms.interval, cycle)?;
    let mut price = terms.price;
    if let Some(downgrade) = &terms.pending_downgrade {
        events.push(E::DowngradeApplied {
            from_tier: state.tier_id,
            to_tier: downgrade.tier_id,
            old_price: terms.price,
            new_price: downgrade.price,
            applied_at: period.start,
        });
        price = downgrade.price;
    }
    let amount = terms.price_for_cycle(price, cycle)?;
    match charge {
        ChargeResult::Succeeded(payment) => events.push(paid(cycle, period, amount, payment, now)?),
        ChargeResult::Failed { reason } => {
            let next_retry_at = terms.dunning.retry_at(now, 0)?;
            events.push(E::RenewalFailed {
                cycle,
                attempt: 1,
                amount,
                reason: failure_reason(reason)?,
                failed_at: now,
                next_retry_at,
            });
            events.push(match next_retry_at {
                Some(_) => E::SubscriptionPastDue {
                    cycle,
                    period_start: period.start,
                    period_end: period.end,
                    since: now,
                },
                None => payment_failed(now),
            });
        }
    }
    Ok(events)
}

fn retry(
    state: &SubscriptionState,
    terms: &PaidTerms,
    now: DateTime<Utc>,
    charge: ChargeResult,
) -> Decision {
    let (S::PastDue, Some(dunning), Some(period)) =
        (state.status, &terms.dunning_state, terms.period)
    else {
        return Err(DomainError::transition("the subscription is not past due"));
    };
    let Some(next_retry_at) = dunning.next_retry_at else {
        return Err(DomainError::transition("no retry is scheduled"));
    };
    if now < next_retry_at {
        return Err(not_before(next_retry_at));
    }
    let amount = terms.price_for_cycle(terms.price, terms.cycle)?;
    match charge {
        ChargeResult::Succeeded(payment) => {
            Ok(vec![paid(terms.cycle, period, amount, payment, now)?])
        }
        ChargeResult::Failed { reason } => {
            let next_retry_at = terms
                .dunning
                .retry_at(dunning.since, dunning.failed_attempts)?;
            let mut events = vec![E::RenewalFailed {
                cycle: terms.cycle,
                attempt: dunning.failed_attempts + 1,
                amount,
                reason: failure_reason(reason)?,
                failed_at: now,
                next_retry_at,
            }];
            if next_retry_at.is_none() {
                events.push(payment_failed(now));
            }
            Ok(events)
        }
    }
}

fn cancel_at_period_end(
    state: &SubscriptionState,
    terms: &PaidTerms,
    now: DateTime<Utc>,
) -> Decision {
    open(state)?;
    if terms.cancel_at_period_end {
        return Ok(vec![]);
    }
    Ok(vec![E::CancellationScheduled {
        effective_at: boundary(terms)?,
        scheduled_at: now,
    }])
}

fn resume(state: &SubscriptionState, terms: &PaidTerms, now: DateTime<Utc>) -> Decision {
    open(state)?;
    if !terms.cancel_at_period_end {
        return Ok(vec![]);
    }
    if now >= boundary(terms)? {
        return Err(DomainError::transition(
            "the subscription ended at period end and can no longer be resumed",
        ));
    }
    Ok(vec![E::CancellationWithdrawn { withdrawn_at: now }])
}

fn expire(state: &SubscriptionState, terms: &PaidTerms, now: DateTime<Utc>) -> Decision {
    let (due, reason) = match state.status {
        S::Incomplete => (
            billing::add_hours(state.started_at, INCOMPLETE_EXPIRES_AFTER_HOURS)?,
            CancelReason::IncompleteExpired,
        ),
        S::Trialing | S::Active if terms.cancel_at_period_end => {
            (boundary(terms)?, CancelReason::Requested)
        }
        _ => {
            return Err(DomainError::transition(
                "nothing expires: the subscription is not set to end",
            ));
        }
    };
    if now < due {
        return Err(not_before(due));
    }
    let mut events = Vec::new();
    if state.status == S::Trialing {
        events.push(E::TrialEnded { trial_end: due });
    }
    events.push(E::SubscriptionCanceled {
        reason,
        canceled_at: due,
    });
    Ok(events)
}

/// What an upgrade at `now` costs; nothing during a trial, which has no paid period to prorate.
pub(super) fn quote_upgrade(
    state: &SubscriptionState,
    new_price: Money,
    now: DateTime<Utc>,
) -> Result<Proration, DomainError> {
    let terms = paid_terms(state)?;
    open(state)?;
    check_price(terms, new_price)?;
    let zero = Money::zero(terms.price.currency);
    let period = match (state.status, terms.period) {
        (S::Trialing, _) | (_, None) => {
            return Ok(Proration {
                credit: zero,
                prorated_charge: zero,
                unused_seconds: 0,
                period_seconds: 0,
            });
        }
        (_, Some(period)) => period,
    };
    if now < period.start || now >= period.end {
        return Err(DomainError::transition(
            "an upgrade happens within the current period: renew first",
        ));
    }
    let old = terms.price_for_cycle(terms.price, terms.cycle)?;
    let new = terms.price_for_cycle(new_price, terms.cycle)?;
    billing::prorate(old, new, period, now)
}

/// Trialing or active: the statuses in which the member may change their plan.
fn open(state: &SubscriptionState) -> Result<(), DomainError> {
    match state.status {
        S::Trialing | S::Active => Ok(()),
        status => Err(DomainError::transition(format!(
            "not allowed while the subscription is {}",
            status.as_str()
        ))),
    }
}

fn boundary(terms: &PaidTerms) -> Result<DateTime<Utc>, DomainError> {
    terms
        .boundary()
        .ok_or_else(|| DomainError::transition("the subscription has no period yet"))
}

fn not_before(due: DateTime<Utc>) -> DomainError {
    DomainError::transition(format!("not due before {}", due.to_rfc3339()))
}

fn check_price(terms: &PaidTerms, price: Money) -> Result<(), DomainError> {
    Money::positive(price.minor, price.currency)?;
    if price.currency != terms.price.currency {
        return Err(DomainError::validation(format!(
            "the subscription is billed in {}",
            terms.price.currency
        )));
    }
    Ok(())
}

fn check_offer(
    offer: &AppliedOffer,
    purpose: OfferPurpose,
    price: Money,
) -> Result<(), DomainError> {
    if offer.purpose != purpose {
        return Err(DomainError::validation(match purpose {
            OfferPurpose::SignUp => "only a sign-up offer applies when subscribing",
            OfferPurpose::Retention => "only a retention offer applies to a running subscription",
        }));
    }
    if let Discount::Fixed { amount } = offer.discount
        && amount.currency != price.currency
    {
        return Err(DomainError::validation(format!(
            "the offer is in {}, the subscription in {}",
            amount.currency, price.currency
        )));
    }
    Ok(())
}

/// The event for a successful charge of `cycle`, once its amount is checked.
fn paid(
    cycle: u32,
    period: Period,
    amount: Money,
    payment: Payment,
    now: DateTime<Utc>,
) -> Result<SubscriptionEvent, DomainError> {
    let provider_payment_id = check_payment(payment, amount)?;
    Ok(if cycle == 1 {
        E::SubscriptionActivated {
            period_start: period.start,
            period_end: period.end,
            amount,
            provider_payment_id,
            activated_at: now,
        }
    } else {
        E::SubscriptionRenewed {
            cycle,
            period_start: period.start,
            period_end: period.end,
            amount,
            provider_payment_id,
            renewed_at: now,
        }
    })
}

fn payment_failed(now: DateTime<Utc>) -> SubscriptionEvent {
    E::SubscriptionCanceled {
        reason: CancelReason::PaymentFailed,
        canceled_at: now,
    }
}

/// The provider's payment id, once the charged amount is the one that was due.
fn check_payment(payment: Payment, due: Money) -> Result<String, DomainError> {
    if payment.amount != due {
        return Err(DomainError::validation(format!(
            "{} was charged but {due} is due",
            payment.amount
        )));
    }
    bounded_text("provider_payment_id", &payment.provider_payment_id, 255)
}

fn upgrade_payment(charge: Money, payment: Option<Payment>) -> Result<Option<String>, DomainError> {
    match payment {
        None if charge.is_zero() => Ok(None),
        None => Err(DomainError::validation(format!(
            "the prorated charge of {charge} must be paid before upgrading"
        ))),
        Some(payment) => check_payment(payment, charge).map(Some),
    }
}

fn failure_reason(reason: String) -> Result<String, DomainError> {
    bounded_text("reason", &reason, 200)
}
