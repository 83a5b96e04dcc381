//! Changing a subscription's tier. The direction comes from the prices: a tier whose current
//! price for the subscription's interval is higher is an upgrade, which is quoted, charged with
//! the subscription's stored payment method and applied at once; anything else is a downgrade,
//! scheduled for the next boundary. A declined charge refuses the change and writes nothing.

use super::{decided, open_paid_tier, price_for};
use crate::auth::Auth;
use crate::dto::{ChangeDirectionDto, Proration as ProrationDto, TierChange};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::service::{decide_loaded, load_for, parse_id};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::ids::TierId;
use lyceum_domain::membership::charging::charge;
use lyceum_domain::membership::subscription::{
    Billing, ChangeDirection, ChargeResult, Payment, Proration, Subscription, SubscriptionCommand,
    SubscriptionEvent,
};
use lyceum_domain::money::Money;
use lyceum_domain::{Code, DomainError};
use uuid::Uuid;

/// Charges an upgrade's prorated amount with the subscription's stored payment method. The
/// provider's idempotency key names the subscription and the version the upgrade is decided
/// at, so deciding the same upgrade again (after a crash or a lost append) gets the same
/// payment back instead of a second one.
async fn pay(
    state: &AppState,
    space: &SpaceRef,
    id: Uuid,
    version: i64,
    amount: Money,
) -> Result<Option<Payment>, ApiError> {
    if amount.is_zero() {
        return Ok(None);
    }
    let method = lyceum_store::billing::payment_method(&state.db, id)
        .await?
        .unwrap_or_default();
    match charge(
        state.payments.for_space(space.id),
        amount,
        &method,
        format!("{id}:upgrade:{version}"),
    )
    .0
    {
        ChargeResult::Succeeded(payment) => Ok(Some(payment)),
        ChargeResult::Failed { reason } => Err(ApiError::new(
            Code::PaymentDeclined,
            format!("the prorated charge of {amount} was declined ({reason}); nothing was changed"),
        )),
    }
}

fn proration(quote: &Proration) -> ProrationDto {
    ProrationDto {
        credit_minor: quote.credit.minor,
        charged_minor: quote.prorated_charge.minor,
        currency: quote.credit.currency.to_string(),
    }
}

/// Plans `POST /v1/spaces/{space}/subscriptions/{id}/change-tier` (and GraphQL `changeTier`).
pub async fn change_tier(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    subscription_id: &str,
    tier_id: Uuid,
) -> Result<Planned<TierChange>, ApiError> {
    let id = parse_id(subscription_id, "subscription")?;
    let loaded = load_for::<Subscription>(state, auth, space, id).await?;
    let current = loaded
        .state
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("subscription"))?;
    let terms = match &current.billing {
        Billing::Paid(terms) => terms,
        Billing::Comp { .. } => {
            return Err(DomainError::transition(
                "a comped membership has no billing to change: comp the other tier instead",
            )
            .into());
        }
    };
    if current.tier_id == TierId(tier_id) {
        return Err(DomainError::validation("the subscription is already on this tier").into());
    }
    let tier = open_paid_tier(state, space, tier_id).await?;
    if tier.currency != terms.price.currency {
        return Err(DomainError::validation(format!(
            "the tier is priced in {}, the subscription billed in {}",
            tier.currency, terms.price.currency
        ))
        .into());
    }
    let new_price = price_for(&tier, terms.interval)?;
    let now = state.clock.now();
    let (direction, quote) = if new_price.minor > terms.price.minor {
        let quote = loaded.state.quote_upgrade(new_price, now)?;
        (ChangeDirection::Upgrade, Some(quote))
    } else {
        (ChangeDirection::Downgrade, None)
    };
    let payment = match &quote {
        Some(quote) => pay(state, space, id, loaded.version, quote.prorated_charge).await?,
        None => None,
    };
    let command = SubscriptionCommand::ChangeTier {
        new_tier_id: TierId(tier_id),
        new_price,
        direction,
        payment,
        now,
    };
    let decision = decide_loaded(auth, space, id, loaded, command)?;
    // The decision's event is the last: an upgrade applies now, a downgrade at the boundary.
    let effective_at = match decision.history.last() {
        Some((SubscriptionEvent::DowngradeScheduled { effective_at, .. }, _)) => *effective_at,
        _ => now,
    };
    let output = TierChange {
        subscription: decided(id, &decision)?,
        direction: match direction {
            ChangeDirection::Upgrade => ChangeDirectionDto::Upgrade,
            ChangeDirection::Downgrade => ChangeDirectionDto::Downgrade,
        },
        effective_at: lyceum_store::time::format(effective_at),
        proration: quote.as_ref().map(proration),
    };
    Ok(decision.planned(output))
}
