//! `/v1/spaces/{space}/billing-terms` and `/v1/spaces/{space}/levels`: the rules a creator sets
//! for payments, dunning, access after refunds, and member levels.

use super::call::Call;
use crate::dto::{BillingTermsDto, LevelRulesDto};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, get, put};

/// Get billing terms
///
/// Returns the space's billing terms: the platform fee, the referral commission, the dunning
/// retry days, the past-due grace and the refund rule. A space that never set them has the
/// defaults shown in the example's shape: no fee, no commission, retries on days 1, 3 and 5,
/// 7 days of grace, and access revoked on a full refund.
#[utoipa::path(
    tag = "billing",
    responses((status = 200, description = "The space's billing terms.", body = BillingTermsDto)),
)]
#[get("/v1/spaces/{space}/billing-terms")]
#[tracing::instrument(skip_all)]
pub async fn get_billing_terms(
    call: Call,
    path: Path<String>,
) -> Result<Json<BillingTermsDto>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    Ok(Json(service::terms::get_terms(&call.state, &space).await?))
}

/// Set billing terms
///
/// Replaces the space's billing terms; every field is required. The fee and the commission
/// apply to payments from now on (the ledger keeps earlier splits as they were), the dunning
/// days to subscriptions started from now on, and the grace and refund rule to every access
/// check from now on. Sending the current terms records nothing.
#[utoipa::path(
    tag = "billing",
    request_body = BillingTermsDto,
    responses((status = 200, description = "The terms now in force.", body = BillingTermsDto)),
)]
#[put("/v1/spaces/{space}/billing-terms")]
#[tracing::instrument(skip_all)]
pub async fn set_billing_terms(
    call: Call,
    path: Path<String>,
    body: Json<BillingTermsDto>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::terms::set_terms(state, auth, space, body.0.clone()).await
    })
    .await
}

/// Get member levels
///
/// Returns the space's member levels, lowest first: each is held from its points threshold
/// on. Empty until the creator sets levels.
#[utoipa::path(
    tag = "levels",
    responses((status = 200, description = "The space's levels.", body = LevelRulesDto)),
)]
#[get("/v1/spaces/{space}/levels")]
#[tracing::instrument(skip_all)]
pub async fn get_levels(call: Call, path: Path<String>) -> Result<Json<LevelRulesDto>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    Ok(Json(service::terms::get_levels(&call.state, &space).await?))
}

/// Set member levels
///
/// Replaces the space's member levels. The first starts at 0 points, thresholds strictly
/// increase, names are unique (ignoring case) and at most 40 characters, and there are at
/// most 50 levels. Every member's level follows at once from their points.
#[utoipa::path(
    tag = "levels",
    request_body = LevelRulesDto,
    responses((status = 200, description = "The levels now in force.", body = LevelRulesDto)),
)]
#[put("/v1/spaces/{space}/levels")]
#[tracing::instrument(skip_all)]
pub async fn set_levels(
    call: Call,
    path: Path<String>,
    body: Json<LevelRulesDto>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::terms::set_levels(state, auth, space, body.0.clone()).await
    })
    .await
}
