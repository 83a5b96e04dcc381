//! One-off purchases and refunds: a creator buys an item sold on its own for a member (the
//! member's frontend collects the payment method), reads orders, and refunds them in part or
//! in full.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CreatePurchase, CreateRefund, Order};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::parse_id;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, post};

/// Buy an item for a member
///
/// Charges the item's price (its access policy is `purchase`; the item must be published)
/// through the payment provider. On success the order is `paid` and the member may read the
/// item; a refused card leaves it `payment_failed` with `latest_payment_error`. A member buys
/// an item at most once: one who already owns it (paid, not refunded in full) is refused with
/// 409 `conflict`, and so is a purchase of the same item for the same member while another
/// one is being charged (with `Retry-After`), whatever their idempotency keys: only one of
/// them is charged.
#[utoipa::path(
    tag = "orders",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = CreatePurchase,
    responses((status = 201, description = "The order, paid or refused.", body = Order)),
)]
#[post("/v1/spaces/{space}/members/{member}/purchases")]
#[tracing::instrument(skip_all)]
pub async fn create_purchase(
    call: Call,
    path: Path<(String, String)>,
    body: Json<CreatePurchase>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::orders::purchase(state, auth, space, &member, body.0.clone()).await
    })
    .await
}

/// List a member's orders
///
/// Lists the member's orders, oldest first.
#[utoipa::path(
    tag = "orders",
    params(("member" = uuid::Uuid, Path, description = "The member's id"), PageQuery),
    responses((status = 200, description = "A page of orders.", body = Paged<Order>)),
)]
#[get("/v1/spaces/{space}/members/{member}/orders")]
#[tracing::instrument(skip_all)]
pub async fn list_orders(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh<read_model::Orders>,
) -> Result<Json<Paged<Order>>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let member = parse_id(&member, "member")?;
    let page = service::reads::orders(&call.state, space.id.0, member, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// Get an order
///
/// Returns one order of the space with its payment status and refunds.
#[utoipa::path(
    tag = "orders",
    params(("id" = uuid::Uuid, Path, description = "The order's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The order.", body = Order)),
)]
#[get("/v1/spaces/{space}/orders/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_order(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<read_model::Orders>,
) -> Result<Json<Order>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let id = parse_id(&id, "order")?;
    Ok(Json(
        service::reads::order(&call.state, space.id.0, id).await?,
    ))
}

/// Refund an order
///
/// Gives back part of a paid order, or all that is still refundable when `amount_minor` is
/// left out, through the payment provider. Never more than was paid; only after payment. A full
/// refund takes a bought item back.
#[utoipa::path(
    tag = "orders",
    params(("id" = uuid::Uuid, Path, description = "The order's id")),
    request_body = CreateRefund,
    responses((status = 200, description = "The order after the refund.", body = Order)),
)]
#[post("/v1/spaces/{space}/orders/{id}/refunds")]
#[tracing::instrument(skip_all)]
pub async fn refund_order(
    call: Call,
    path: Path<(String, String)>,
    body: Json<CreateRefund>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::orders::refund(state, auth, space, &id, body.0.clone()).await
    })
    .await
}
