//! Offers and coupons: a creator makes a code with a discount for sign-ups (or for keeping
//! members), reads and archives it; members redeem sign-up offers when they subscribe.

use super::call::Call;
use crate::consistency::Fresh;
use crate::dto::offers::{CreateOffer, Offer};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, get, post};

/// Create an offer
///
/// Creates a coupon code with a percent or fixed discount, lasting once, for N months, or
/// forever, optionally limited in redemptions, time and tiers. A `sign_up` offer is redeemed
/// by passing `offer_code` when a subscription starts; each member redeems an offer once. Codes
/// are unique within the space.
#[utoipa::path(
    tag = "offers",
    request_body = CreateOffer,
    responses((status = 201, description = "The offer was created.", body = Offer)),
)]
#[post("/v1/spaces/{space}/offers")]
#[tracing::instrument(skip_all)]
pub async fn create_offer(
    call: Call,
    path: Path<String>,
    body: Json<CreateOffer>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::offers::create(state, auth, space, body.0.clone()).await
    })
    .await
}

/// Get an offer
///
/// Returns the offer a code names, with how many members redeemed it.
#[utoipa::path(
    tag = "offers",
    params(("code" = String, Path, description = "The offer's code")),
    responses((status = 200, description = "The offer.", body = Offer)),
)]
#[get("/v1/spaces/{space}/offers/{code}")]
#[tracing::instrument(skip_all)]
pub async fn get_offer(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<()>,
) -> Result<Json<Offer>, ApiError> {
    let (space, code) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    Ok(Json(
        service::offers::get(&call.state, &space, &code).await?,
    ))
}

/// Archive an offer
///
/// The code can no longer be redeemed; subscriptions that redeemed it keep their discount.
#[utoipa::path(
    tag = "offers",
    params(("code" = String, Path, description = "The offer's code")),
    responses((status = 200, description = "The archived offer.", body = Offer)),
)]
#[post("/v1/spaces/{space}/offers/{code}/archive")]
#[tracing::instrument(skip_all)]
pub async fn archive_offer(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, code) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::offers::archive(state, auth, space, &code).await
    })
    .await
}
