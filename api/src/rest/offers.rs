//! Offers and coupons: a creator makes a code with a discount for sign-ups (or for keeping
//! members), reads and archives it; members redeem sign-up offers when they subscribe.

use crate::auth::Auth;
use crate::consistency::Fresh;
use crate::error::ApiError;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How much an offer takes off.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DiscountDto {
    /// A share of the price in basis points: 2000 is 20 %.
    Percent { basis_points: u32 },
    /// A fixed amount off, in minor units of the space's currency; never below zero.
    Fixed { amount_minor: i64 },
}

/// For how many charges the discount applies.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DurationDto {
    Once,
    Months { months: u32 },
    Forever,
}

/// Where an offer may be used.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PurposeDto {
    SignUp,
    Retention,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "WELCOME20", "discount": {"kind": "percent", "basis_points": 2000},
    "duration": {"kind": "months", "months": 3}, "max_redemptions": 100,
    "expires_at": "2027-01-01T00:00:00Z", "purpose": "sign_up", "tier_ids": []}))]
pub struct CreateOffer {
    /// 3-32 characters of A-Z, 0-9 and '-'; case does not matter.
    pub code: String,
    pub discount: DiscountDto,
    pub duration: DurationDto,
    pub max_redemptions: Option<u32>,
    /// RFC 3339; the offer cannot be redeemed from then on.
    pub expires_at: Option<String>,
    pub purpose: PurposeDto,
    /// The tiers it applies to; empty for any.
    #[serde(default)]
    pub tier_ids: Vec<Uuid>,
}

/// An offer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({"id": "0192f0c4-b192-74aa-b586-3c4d5e6f7081", "code": "WELCOME20",
    "discount": {"kind": "percent", "basis_points": 2000}, "duration": {"kind": "months", "months": 3},
    "max_redemptions": 100, "redemptions": 7, "expires_at": "2027-01-01T00:00:00.000000Z",
    "purpose": "sign_up", "tier_ids": [], "archived": false, "created_at": "2026-11-21T08:30:00.000000Z"}))]
pub struct Offer {
    pub id: Uuid,
    pub code: String,
    pub discount: DiscountDto,
    pub duration: DurationDto,
    pub max_redemptions: Option<u32>,
    pub redemptions: u32,
    pub expires_at: Option<String>,
    pub purpose: PurposeDto,
    pub tier_ids: Vec<Uuid>,
    pub archived: bool,
    pub created_at: String,
}

/// Create an offer
///
/// Creates a coupon code with a percent or fixed discount, lasting once, for N months, or
/// forever, optionally limited in redemptions, time and tiers. A `sign_up` offer is redeemed
/// by passing `offer_code` when a subscription starts; each member redeems an offer once. Codes
/// are unique within the space.
#[utoipa::path(
    tag = "offers",
    params(("space" = String, Path, description = "The space's id or slug")),
    request_body = CreateOffer,
    responses((status = 201, description = "The offer was created.", body = Offer,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/offers")]
#[tracing::instrument(skip_all)]
pub async fn create_offer(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<String>,
    body: Json<CreateOffer>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &path, Intent::Write).await?;
        service::offers::create(&state, &auth, &space, body.clone()).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}

/// Get an offer
///
/// Returns the offer a code names, with how many members redeemed it.
#[utoipa::path(
    tag = "offers",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("code" = String, Path, description = "The offer's code")),
    responses((status = 200, description = "The offer.", body = Offer)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}/offers/{code}")]
#[tracing::instrument(skip_all)]
pub async fn get_offer(
    state: Data<AppState>,
    auth: Auth,
    path: Path<(String, String)>,
    _fresh: Fresh,
) -> Result<Json<Offer>, ApiError> {
    let (space, code) = path.into_inner();
    let space = resolve(&state, &auth, &space, Intent::Read).await?;
    Ok(Json(service::offers::get(&state, &space, &code).await?))
}

/// Archive an offer
///
/// The code can no longer be redeemed; subscriptions that redeemed it keep their discount.
#[utoipa::path(
    tag = "offers",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("code" = String, Path, description = "The offer's code")),
    responses((status = 200, description = "The archived offer.", body = Offer,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/offers/{code}/archive")]
#[tracing::instrument(skip_all)]
pub async fn archive_offer(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, code) = path.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::offers::archive(&state, &auth, &space, &code).await
    };
    write::respond(&state, &req, &auth, &(), plan).await
}
