//! Checkout: starting a subscription to a paid tier or buying an item sold on its own, for the
//! signed-in member (a member session) or for a member a creator key names. It runs the same
//! service functions as the creator's REST routes.

use super::parse_id;
use crate::auth::Auth;
use crate::dto::{
    CreatePurchase, Order as OrderDto, StartSubscription, Subscription as SubscriptionDto,
};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::DomainError;

/// What to check out.
pub enum Item {
    Subscription(StartSubscription),
    Purchase(CreatePurchase),
}

/// What a checkout made.
pub enum Checkout {
    Subscription(SubscriptionDto),
    Order(OrderDto),
}

/// The member a checkout is for. A member session buys for itself: it may name only its own
/// id, and another member's answers 404 like an unknown one. A key must name the member.
fn buyer(auth: &Auth, member_id: Option<&str>) -> Result<String, ApiError> {
    match (auth.member_id(), member_id) {
        (Some(me), None) => Ok(me.to_string()),
        (Some(me), Some(named)) if parse_id(named, "member")? == me => Ok(me.to_string()),
        (Some(_), Some(_)) => Err(ApiError::not_found("member")),
        (None, Some(named)) => Ok(named.to_owned()),
        (None, None) => Err(DomainError::validation(
            "name the member: an API key checks out for a member it names",
        )
        .into()),
    }
}

/// Plans a checkout of `item` for the member the caller may check out for.
pub async fn checkout(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: Option<&str>,
    item: Item,
) -> Result<Planned<Checkout>, ApiError> {
    let member = buyer(auth, member_id)?;
    Ok(match item {
        Item::Subscription(input) => {
            super::subscriptions::start(state, auth, space, &member, input)
                .await?
                .map(Checkout::Subscription)
        }
        Item::Purchase(input) => super::orders::purchase(state, auth, space, &member, input)
            .await?
            .map(Checkout::Order),
    })
}
