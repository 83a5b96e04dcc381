//! Changing a running subscription, for creators scripting their business: move it to another
//! tier (an upgrade now and prorated, a downgrade at the next boundary) or give it a retention
//! offer.

use super::call::Call;
use crate::dto::{ApplyOffer, ChangeTier, Subscription, TierChange};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, post};

/// Change a subscription's tier
///
/// Moves the subscription to another paid tier of the space, keeping its interval. If the new
/// tier's current price for that interval is higher, it is an **upgrade**: immediate and
/// prorated. The unused part of the period at the old price is credited, the unused part at
/// the new price is charged less that credit with the subscription's payment method, and the
/// tier and price change at once; a declined charge answers `payment_declined` and changes
/// nothing. A trialing subscription upgrades without a charge. Otherwise it is a
/// **downgrade**: scheduled for the end of the current period (or trial), where it applies
/// before that boundary's charge, and shown as `pending_downgrade` until then. Archived, free,
/// unpriced and other-currency tiers are refused, as is the subscription's own tier. Send an
/// `Idempotency-Key` to retry safely: a retry never charges twice.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = uuid::Uuid, Path, description = "The subscription's id")),
    request_body = ChangeTier,
    responses((status = 200, description = "The subscription after the change, with the proration of an upgrade or the date of a downgrade.", body = TierChange)),
)]
#[post("/v1/spaces/{space}/subscriptions/{id}/change-tier")]
#[tracing::instrument(skip_all)]
pub async fn change_subscription_tier(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ChangeTier>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::subscriptions::change_tier(state, auth, space, &id, body.tier_id).await
    })
    .await
}

/// Apply a retention offer
///
/// Gives a trialing or active subscription a retention offer's discount from its next charge
/// on, for the offer's duration. The code must name a retention offer of the space (sign-up
/// offers are refused) that this member has not redeemed yet and that applies to the
/// subscription's tier; the redemption counts toward the offer's limit.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = uuid::Uuid, Path, description = "The subscription's id")),
    request_body = ApplyOffer,
    responses((status = 200, description = "The subscription, discounted from its next charge.", body = Subscription)),
)]
#[post("/v1/spaces/{space}/subscriptions/{id}/offers")]
#[tracing::instrument(skip_all)]
pub async fn apply_subscription_offer(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ApplyOffer>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::subscriptions::apply_offer(state, auth, space, &id, &body.code).await
    })
    .await
}
