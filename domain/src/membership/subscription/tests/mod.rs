//! given/when/then tests for the Subscription aggregate, one file per part of the lifecycle,
//! sharing the fixtures below. Unless a test says otherwise, a subscription costs 10.00 EUR a
//! month; paid ones started on 1 April 2025 (periods April, May, June), trials on 1 March 2025
//! with 14 days (trial end 15 March).

use super::*;
use crate::aggregate::testing::{given, given_no_history};
use crate::error::Code;
use crate::membership::offer::{Discount, OfferCode, OfferDuration, OfferPurpose};
use crate::membership::referral::{ReferralCode, ReferredBy};
use crate::values::Currency;
use chrono::TimeZone;
use uuid::Uuid;

mod cancel;
mod changes;
mod collected;
mod due;
mod dunning;
mod lifecycle;

const SPACE: SpaceId = SpaceId(Uuid::nil());
const ADA: MemberId = MemberId(Uuid::from_u128(10));
const BASIC: TierId = TierId(Uuid::from_u128(1));
const PLUS: TierId = TierId(Uuid::from_u128(2));
const PREMIUM: TierId = TierId(Uuid::from_u128(3));

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("bad date"))
}

fn day(m: u32, d: u32) -> DateTime<Utc> {
    at(2025, m, d, 0)
}

fn mar1() -> DateTime<Utc> {
    day(3, 1)
}
fn mar15() -> DateTime<Utc> {
    day(3, 15)
}
fn apr1() -> DateTime<Utc> {
    day(4, 1)
}
fn may1() -> DateTime<Utc> {
    day(5, 1)
}
fn jun1() -> DateTime<Utc> {
    day(6, 1)
}

fn eur(minor: i64) -> Money {
    Money::new(
        minor,
        Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
    )
}

fn jpy(minor: i64) -> Money {
    Money::new(
        minor,
        Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}")),
    )
}

fn ok(amount: Money) -> ChargeResult {
    ChargeResult::Succeeded(Payment {
        amount,
        provider_payment_id: "pay_1".into(),
    })
}

fn declined() -> ChargeResult {
    ChargeResult::Failed {
        reason: "card_declined".into(),
    }
}

fn offer(discount: Discount, duration: OfferDuration, purpose: OfferPurpose) -> AppliedOffer {
    AppliedOffer {
        code: OfferCode::parse("WELCOME").unwrap_or_else(|e| panic!("{e}")),
        discount,
        duration,
        purpose,
    }
}

fn start(price: Money, trial_days: u32, now: DateTime<Utc>) -> SubscriptionCommand {
    SubscriptionCommand::Start {
        space_id: SPACE,
        member_id: ADA,
        tier_id: BASIC,
        price,
        interval: BillingInterval::Monthly,
        trial_days,
        offer: None,
        referral: None,
        dunning: DunningSchedule::default(),
        now,
    }
}

fn started(
    price: Money,
    trial_end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionStarted {
        space_id: SPACE,
        member_id: ADA,
        tier_id: BASIC,
        price,
        interval: BillingInterval::Monthly,
        trial_end,
        offer: None,
        referral_code: None,
        referred_by: None,
        dunning: DunningSchedule::default(),
        started_at: now,
    }
}

fn activated(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    amount: Money,
    now: DateTime<Utc>,
) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionActivated {
        period_start: start,
        period_end: end,
        amount,
        provider_payment_id: "pay_1".into(),
        activated_at: now,
    }
}

fn renewed(
    cycle: u32,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    amount: Money,
    now: DateTime<Utc>,
) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionRenewed {
        cycle,
        period_start: start,
        period_end: end,
        amount,
        provider_payment_id: "pay_1".into(),
        renewed_at: now,
    }
}

fn failed(
    cycle: u32,
    attempt: u32,
    amount: Money,
    now: DateTime<Utc>,
    next_retry_at: Option<DateTime<Utc>>,
) -> SubscriptionEvent {
    SubscriptionEvent::RenewalFailed {
        cycle,
        attempt,
        amount,
        reason: "card_declined".into(),
        failed_at: now,
        next_retry_at,
    }
}

fn past_due(
    cycle: u32,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    since: DateTime<Utc>,
) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionPastDue {
        cycle,
        period_start: start,
        period_end: end,
        since,
    }
}

fn canceled(reason: CancelReason, now: DateTime<Utc>) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionCanceled {
        reason,
        canceled_at: now,
    }
}

/// Paid on 1 April for April.
fn active(price: Money) -> Vec<SubscriptionEvent> {
    vec![
        started(price, None, apr1()),
        activated(apr1(), may1(), price, apr1()),
    ]
}

/// In a 14-day trial since 1 March.
fn trialing(price: Money) -> Vec<SubscriptionEvent> {
    vec![started(price, Some(mar15()), mar1())]
}

/// The May charge failed on 1 May; the first retry is due on 2 May.
fn past_due_in_may() -> Vec<SubscriptionEvent> {
    let mut history = active(eur(1000));
    history.push(failed(2, 1, eur(1000), may1(), Some(day(5, 2))));
    history.push(past_due(2, may1(), jun1(), may1()));
    history
}

fn with(
    mut history: Vec<SubscriptionEvent>,
    more: Vec<SubscriptionEvent>,
) -> Vec<SubscriptionEvent> {
    history.extend(more);
    history
}

fn after(history: &[SubscriptionEvent]) -> Subscription {
    Subscription::from_history(history)
}

/// Comped on 1 April until 1 July.
fn comp() -> Vec<SubscriptionEvent> {
    vec![SubscriptionEvent::CompGranted {
        space_id: SPACE,
        member_id: ADA,
        tier_id: PLUS,
        reason: CompReason::Comp,
        granted_at: apr1(),
        until: day(7, 1),
    }]
}

/// `history`, set on 2 March to end at `at`.
fn cancel_scheduled(history: Vec<SubscriptionEvent>, at: DateTime<Utc>) -> Vec<SubscriptionEvent> {
    with(
        history,
        vec![SubscriptionEvent::CancellationScheduled {
            effective_at: at,
            scheduled_at: day(3, 2),
        }],
    )
}
