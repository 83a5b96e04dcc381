//! Subscriptions to paid tiers, for creators scripting their business: start one for a member,
//! list and read them, cancel (at period end or now) and resume.

use crate::auth::Auth;
use crate::consistency::Fresh;
use crate::dto::{CancelSubscription, SetPaymentMethod, StartSubscription, Subscription};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service::parse_id;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post, put};
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
    params(("space" = String, Path, description = "The space's id or slug"),
        ("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = StartSubscription,
    responses((status = 201, description = "The subscription was started.", body = Subscription,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/members/{member}/subscriptions")]
#[tracing::instrument(skip_all)]
pub async fn start_subscription(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
    body: Json<StartSubscription>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::subscriptions::start(&state, &auth, &space, &member, body.clone()).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}

/// List a member's subscriptions
///
/// Lists the member's subscriptions, oldest first, including ended ones.
#[utoipa::path(
    tag = "subscriptions",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("member" = uuid::Uuid, Path, description = "The member's id"), PageQuery),
    responses((status = 200, description = "A page of subscriptions.", body = Paged<Subscription>)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}/members/{member}/subscriptions")]
#[tracing::instrument(skip_all)]
pub async fn list_subscriptions(
    state: Data<AppState>,
    auth: Auth,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh,
) -> Result<Json<Paged<Subscription>>, ApiError> {
    let (space, member) = path.into_inner();
    let space = resolve(&state, &auth, &space, Intent::Read).await?;
    let member = parse_id(&member, "member")?;
    let page = lyceum_projections::subscriptions::queries::subscriptions(
        &state.db,
        &space.id.to_string(),
        &member.to_string(),
        query.after()?.as_deref(),
        query.limit()?,
    )
    .await?;
    Ok(Json(Paged::from_page(page, Subscription::from)))
}

/// Get a subscription
///
/// Returns one subscription of the space with its status and current period.
#[utoipa::path(
    tag = "subscriptions",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The subscription's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The subscription.", body = Subscription)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}/subscriptions/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_subscription(
    state: Data<AppState>,
    auth: Auth,
    path: Path<(String, String)>,
    _fresh: Fresh,
) -> Result<Json<Subscription>, ApiError> {
    let (space, id) = path.into_inner();
    let space = resolve(&state, &auth, &space, Intent::Read).await?;
    let id = parse_id(&id, "subscription")?;
    let row = lyceum_projections::subscriptions::queries::subscription(
        &state.db,
        &space.id.to_string(),
        &id.to_string(),
    )
    .await?
    .ok_or_else(|| ApiError::not_found("subscription"))?;
    Ok(Json(Subscription::from(row)))
}

/// Cancel a subscription
///
/// By default the subscription ends at the end of its current period (or trial) and can be
/// resumed until then; with `at_period_end: false` it ends now, without a refund.
#[utoipa::path(
    tag = "subscriptions",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The subscription's id")),
    request_body = CancelSubscription,
    responses((status = 200, description = "The subscription after the change.", body = Subscription,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/subscriptions/{id}/cancel")]
#[tracing::instrument(skip_all)]
pub async fn cancel_subscription(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
    body: Json<CancelSubscription>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    let body = body.into_inner();
    let at_period_end = body.at_period_end.unwrap_or(true);
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::subscriptions::change(&state, &auth, &space, &id, |now| {
            if at_period_end {
                SubscriptionCommand::CancelAtPeriodEnd { now }
            } else {
                SubscriptionCommand::Cancel { now }
            }
        })
        .await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}

/// Resume a subscription
///
/// Withdraws a cancellation at period end, before that period ends.
#[utoipa::path(
    tag = "subscriptions",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription, no longer set to end.", body = Subscription,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/subscriptions/{id}/resume")]
#[tracing::instrument(skip_all)]
pub async fn resume_subscription(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::subscriptions::change(&state, &auth, &space, &id, |now| {
            SubscriptionCommand::Resume { now }
        })
        .await
    };
    write::respond(&state, &req, &auth, &(), plan).await
}

/// Change a subscription's payment method
///
/// The next charges (renewals and dunning retries) use this payment method. Use it to recover a
/// past-due subscription: the next retry charges the new method. Ended subscriptions are
/// refused with `invalid_transition`.
#[utoipa::path(
    tag = "subscriptions",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The subscription's id")),
    request_body = SetPaymentMethod,
    responses((status = 200, description = "The subscription.", body = Subscription,
        headers(("Lyceum-Position" = i64, description = "Position of the subscription's last event")))),
    security(("bearer" = []))
)]
#[put("/v1/spaces/{space}/subscriptions/{id}/payment-method")]
#[tracing::instrument(skip_all)]
pub async fn set_payment_method(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
    body: Json<SetPaymentMethod>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::subscriptions::set_payment_method(&state, &auth, &space, &id, &body.payment_method)
            .await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}
