//! Subscriptions to paid tiers, for creators scripting their business: start one for a member,
//! list and read them, cancel (at period end or now) and resume.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CancelSubscription, SetPaymentMethod, StartSubscription, Subscription};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::parse_id;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, post, put};
use lyceum_domain::membership::subscription::SubscriptionCommand;

/// Start a subscription
///
/// Subscribes a member to a paid tier at the tier's current price, which the subscription keeps
/// for its whole life. With trial days it starts `trialing`; without, the first period is
/// charged at once through the payment provider: `active` on success, `incomplete` with
/// `latest_payment_error` when the card is refused (the member may try another card). Free
/// tiers are joined, not subscribed to; archived tiers take no new members.
#[utoipa::path(
    tag = "subscriptions",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = StartSubscription,
    responses((status = 201, description = "The subscription was started.", body = Subscription)),
)]
#[post("/v1/spaces/{space}/members/{member}/subscriptions")]
#[tracing::instrument(skip_all)]
pub async fn start_subscription(
    call: Call,
    path: Path<(String, String)>,
    body: Json<StartSubscription>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::subscriptions::start(state, auth, space, &member, body.0.clone()).await
    })
    .await
}

/// List a member's subscriptions
///
/// Lists the member's subscriptions, oldest first, including ended ones.
#[utoipa::path(
    tag = "subscriptions",
    params(("member" = uuid::Uuid, Path, description = "The member's id"), PageQuery),
    responses((status = 200, description = "A page of subscriptions.", body = Paged<Subscription>)),
)]
#[get("/v1/spaces/{space}/members/{member}/subscriptions")]
#[tracing::instrument(skip_all)]
pub async fn list_subscriptions(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh<read_model::Subscriptions>,
) -> Result<Json<Paged<Subscription>>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let member = parse_id(&member, "member")?;
    let page = service::reads::subscriptions(&call.state, space.id.0, member, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// Get a subscription
///
/// Returns one subscription of the space with its status and current period.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = uuid::Uuid, Path, description = "The subscription's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The subscription.", body = Subscription)),
)]
#[get("/v1/spaces/{space}/subscriptions/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_subscription(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<read_model::Subscriptions>,
) -> Result<Json<Subscription>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let id = parse_id(&id, "subscription")?;
    Ok(Json(
        service::reads::subscription(&call.state, space.id.0, id).await?,
    ))
}

/// Cancel a subscription
///
/// By default the subscription ends at the end of its current period (or trial) and can be
/// resumed until then; with `at_period_end: false` it ends now, without a refund.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = uuid::Uuid, Path, description = "The subscription's id")),
    request_body = CancelSubscription,
    responses((status = 200, description = "The subscription after the change.", body = Subscription)),
)]
#[post("/v1/spaces/{space}/subscriptions/{id}/cancel")]
#[tracing::instrument(skip_all)]
pub async fn cancel_subscription(
    call: Call,
    path: Path<(String, String)>,
    body: Json<CancelSubscription>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    let at_period_end = body.at_period_end.unwrap_or(true);
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::subscriptions::change(state, auth, space, &id, |now| {
            if at_period_end {
                SubscriptionCommand::CancelAtPeriodEnd { now }
            } else {
                SubscriptionCommand::Cancel { now }
            }
        })
        .await
    })
    .await
}

/// Resume a subscription
///
/// Withdraws a cancellation at period end, before that period ends.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = uuid::Uuid, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription, no longer set to end.", body = Subscription)),
)]
#[post("/v1/spaces/{space}/subscriptions/{id}/resume")]
#[tracing::instrument(skip_all)]
pub async fn resume_subscription(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::subscriptions::change(state, auth, space, &id, |now| SubscriptionCommand::Resume {
            now,
        })
        .await
    })
    .await
}

/// Change a subscription's payment method
///
/// The next charges (renewals and dunning retries) use this payment method. Use it to recover a
/// past-due subscription: the next retry charges the new method. Ended subscriptions are
/// refused with `invalid_transition`.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = uuid::Uuid, Path, description = "The subscription's id")),
    request_body = SetPaymentMethod,
    responses((status = 200, description = "The subscription.", body = Subscription,
        headers(("Lyceum-Position" = i64, description = "Position of the subscription's last event")))),
)]
#[put("/v1/spaces/{space}/subscriptions/{id}/payment-method")]
#[tracing::instrument(skip_all)]
pub async fn set_payment_method(
    call: Call,
    path: Path<(String, String)>,
    body: Json<SetPaymentMethod>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::subscriptions::set_payment_method(state, auth, space, &id, &body.payment_method)
            .await
    })
    .await
}
