//! Subscriptions to paid tiers: start (a trial, or the first charge through the payment
//! provider), cancel at period end or at once, resume, and change the payment method; tier
//! changes, retention offers and comps live in the submodules. The aggregate decides; the
//! provider's answer goes into the command; the answer shows the aggregate's state through the
//! same mapping the read model uses. Changes take a creator key, or a member session for its
//! own subscriptions where the route allows it. A subscription Stripe collects for (a
//! `stripe:…` payment method) is never charged here: it starts incomplete (or trialing) and
//! Stripe's invoice webhooks settle its payments (see [`super::stripe`]).

mod comps;
mod retention;
mod tier_change;

pub use comps::comp;
pub use retention::apply_offer;
pub use tier_change::change_tier;

use super::{Decision, decide_in_space, load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{IntervalDto, StartSubscription, Subscription as SubscriptionDto};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::ids::{MemberId, TierId};
use lyceum_domain::membership::charging::charge;
use lyceum_domain::membership::member::Member;
use lyceum_domain::membership::referral::{ReferralCode, ReferredBy};
use lyceum_domain::membership::subscription::{
    BillingInterval, Subscription, SubscriptionCommand, SubscriptionEvent, SubscriptionStatus,
};
use lyceum_domain::membership::tier::{Tier, TierKind, TierState};
use lyceum_domain::money::Money;
use lyceum_domain::payment::method::{Collector, PaymentMethod};
use lyceum_domain::{Aggregate, DomainError};
use lyceum_store::command::append_for;
use std::sync::Arc;
use uuid::Uuid;

/// The answer for a subscription after `history`, with `error` from this request's charge.
fn answer(
    id: Uuid,
    subscription: &Subscription,
    history: &[String],
    error: Option<String>,
) -> Result<SubscriptionDto, ApiError> {
    let state = subscription
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("subscription"))?;
    let first = history.first().cloned().unwrap_or_default();
    let last = history.last().cloned().unwrap_or_default();
    let row = lyceum_projections::subscriptions::row(id, state, first, last);
    let mut dto = SubscriptionDto::from(row);
    dto.latest_payment_error = error;
    Ok(dto)
}

/// The id of a member of `space` who was not removed; `refused` names what a removed member
/// cannot do.
async fn current_member(
    state: &AppState,
    space: &SpaceRef,
    member_id: &str,
    refused: &str,
) -> Result<Uuid, ApiError> {
    let member_id = parse_id(member_id, "member")?;
    let member = load_in_space::<Member>(&state.db, space.id, member_id).await?;
    if member.state.state.as_ref().is_some_and(|m| m.removed) {
        return Err(DomainError::transition(format!("a removed member cannot {refused}")).into());
    }
    Ok(member_id)
}

/// A paid tier of `space` that takes new members (422 for another space's or an unknown tier).
async fn open_paid_tier(
    state: &AppState,
    space: &SpaceRef,
    tier_id: Uuid,
) -> Result<TierState, ApiError> {
    let tier = super::load_referenced::<Tier>(&state.db, space.id, tier_id, "tier_id")
        .await?
        .state
        .defined
        .ok_or_else(|| super::unknown_reference::<Tier>("tier_id"))?;
    if tier.archived {
        return Err(
            DomainError::transition("this tier is archived and takes no new members").into(),
        );
    }
    if tier.kind == TierKind::Free {
        return Err(DomainError::validation("free tiers are joined, not subscribed to").into());
    }
    Ok(tier)
}

/// The tier's current price for `interval`.
fn price_for(tier: &TierState, interval: BillingInterval) -> Result<Money, ApiError> {
    let price = match interval {
        BillingInterval::Monthly => tier.monthly_price_minor,
        BillingInterval::Yearly => tier.yearly_price_minor,
    };
    let price = price.ok_or_else(|| {
        ApiError::from(DomainError::validation(
            "this tier has no price for that interval",
        ))
    })?;
    Ok(Money::new(price, tier.currency))
}

/// Plans `POST /v1/spaces/{space}/members/{member}/subscriptions`.
pub async fn start(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    input: StartSubscription,
) -> Result<Planned<SubscriptionDto>, ApiError> {
    let member_id = current_member(state, space, member_id, "subscribe").await?;
    let payment_method = PaymentMethod::parse(&input.payment_method)?;
    let tier = open_paid_tier(state, space, input.tier_id).await?;
    let interval = match input.interval {
        IntervalDto::Monthly => BillingInterval::Monthly,
        IntervalDto::Yearly => BillingInterval::Yearly,
    };
    let price = price_for(&tier, interval)?;
    let offer = match &input.offer_code {
        Some(code) => Some(
            super::offers::redeem_for_start(state, auth, space, code, member_id, input.tier_id)
                .await?,
        ),
        None => None,
    };
    let referral = match &input.referral_code {
        Some(code) => Some(referred_by(state, space, code).await?),
        None => None,
    };
    let terms = super::terms::billing_terms(state, space).await?;
    let now = state.clock.now();
    let id = Uuid::now_v7();
    let mut subscription = Subscription::default();
    let mut events = subscription.decide(SubscriptionCommand::Start {
        space_id: space.id,
        member_id: MemberId(member_id),
        tier_id: TierId(input.tier_id),
        price,
        interval,
        trial_days: tier.trial_days,
        offer,
        referral,
        dunning: terms.dunning_retry_days().clone(),
        now,
    })?;
    fold(&mut subscription, &events);
    let mut error = None;
    if subscription.status() == Some(SubscriptionStatus::Incomplete)
        && payment_method.collector() == Collector::Lyceum
        && let Some(amount) = subscription.amount_due()?
    {
        let (charge, declined) = charge(
            state.payments.for_space(space.id),
            amount,
            payment_method.as_str(),
            format!("{id}:first"),
        );
        let more = subscription.decide(SubscriptionCommand::ConfirmFirstPayment { now, charge })?;
        fold(&mut subscription, &more);
        events.extend(more);
        error = declined;
    }
    let method = lyceum_store::billing::set_payment_method(id, space.id.0, &payment_method);
    let append = append_for::<Subscription>(
        id,
        0,
        &events,
        metadata(auth, Some(space.id)),
        vec![Arc::new(method)],
    )?;
    let times = vec![append.occurred().to_owned()];
    let output = answer(id, &subscription, &times, error)?;
    Ok(Planned::new(Outcome::Created, output, append))
}

/// The member a referral code belongs to in this space; an unknown code is refused, so a typo
/// does not silently lose the referrer their commission.
async fn referred_by(
    state: &AppState,
    space: &SpaceRef,
    code: &str,
) -> Result<ReferredBy, ApiError> {
    let code = ReferralCode::parse(code)?;
    let referrer = lyceum_store::referrals::member_for_code(&state.db, space.id.0, code.as_str())
        .await?
        .ok_or_else(|| {
            ApiError::from(DomainError::validation(
                "no member of this space has that referral code",
            ))
        })?;
    Ok(ReferredBy {
        code,
        referrer: MemberId(referrer),
    })
}

fn fold(subscription: &mut Subscription, events: &[SubscriptionEvent]) {
    for event in events {
        subscription.apply(event);
    }
}

/// The answer for subscription `id` after a decision.
fn decided(id: Uuid, decision: &Decision<Subscription>) -> Result<SubscriptionDto, ApiError> {
    let times: Vec<String> = decision.history.iter().map(|(_, at)| at.clone()).collect();
    answer(id, &decision.state, &times, None)
}

/// Plans a change to a subscription the caller may act on (see [`super::load_for`]): cancel
/// (at period end or now) or resume.
pub async fn change(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    subscription_id: &str,
    command: impl FnOnce(chrono::DateTime<chrono::Utc>) -> SubscriptionCommand,
) -> Result<Planned<SubscriptionDto>, ApiError> {
    let id = parse_id(subscription_id, "subscription")?;
    let command = command(state.clock.now());
    let decision = decide_in_space::<Subscription>(state, auth, space, id, command).await?;
    let output = decided(id, &decision)?;
    Ok(decision.planned(output))
}

/// Plans `PUT /v1/spaces/{space}/subscriptions/{id}/payment-method`: the next charges (renewals
/// and dunning retries) use the new method. Not an event: the method is kept beside the log.
pub async fn set_payment_method(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    subscription_id: &str,
    payment_method: &str,
) -> Result<Planned<SubscriptionDto>, ApiError> {
    let id = parse_id(subscription_id, "subscription")?;
    let payment_method = PaymentMethod::parse(payment_method)?;
    let loaded = load_in_space::<Subscription>(&state.db, space.id, id).await?;
    if loaded.state.status() == Some(SubscriptionStatus::Canceled) {
        return Err(DomainError::transition("the subscription has ended").into());
    }
    let method = lyceum_store::billing::set_payment_method(id, space.id.0, &payment_method);
    let append = append_for::<Subscription>(
        id,
        loaded.version,
        &[],
        metadata(auth, Some(space.id)),
        vec![Arc::new(method)],
    )?;
    let times: Vec<String> = loaded.history.iter().map(|(_, at)| at.clone()).collect();
    let output = answer(id, &loaded.state, &times, None)?;
    Ok(Planned::maybe(
        Outcome::Changed,
        output,
        append,
        loaded.position,
    ))
}
