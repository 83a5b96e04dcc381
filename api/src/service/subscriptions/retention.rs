//! Retention offers: a member about to leave is given a retention offer's discount from the
//! subscription's next charge. The offer's rules (purpose, limits, expiry, tiers, once per
//! member) and the subscription's (trialing or active, same currency) are both decided before
//! anything is written. The redemption is then appended on the offer's stream, as when a
//! subscription starts with a sign-up offer, and the subscription's event after it.

use super::decided;
use crate::auth::Auth;
use crate::dto::Subscription as SubscriptionDto;
use crate::error::ApiError;
use crate::plan::Planned;
use crate::service::offers::plan_redemption;
use crate::service::{decide_loaded, load_for, parse_id};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::membership::offer::OfferPurpose;
use lyceum_domain::membership::subscription::{Subscription, SubscriptionCommand};

/// Plans `POST /v1/spaces/{space}/subscriptions/{id}/offers` (and GraphQL `redeemOffer`).
pub async fn apply_offer(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    subscription_id: &str,
    code: &str,
) -> Result<Planned<SubscriptionDto>, ApiError> {
    let id = parse_id(subscription_id, "subscription")?;
    let loaded = load_for::<Subscription>(state, auth, space, id).await?;
    let current = loaded
        .state
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("subscription"))?;
    let (member, tier) = (current.member_id.0, current.tier_id.0);
    let (offer, redemption) = plan_redemption(
        state,
        auth,
        space,
        code,
        OfferPurpose::Retention,
        member,
        tier,
    )
    .await?;
    let command = SubscriptionCommand::ApplyOffer {
        offer,
        now: state.clock.now(),
    };
    let decision = decide_loaded(auth, space, id, loaded, command)?;
    lyceum_store::append::append(&state.db, &redemption, None).await?;
    let output = decided(id, &decision)?;
    Ok(decision.planned(output))
}
