//! `/v1/spaces/{space}/tiers`: defining, listing, reading, changing and archiving tiers.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CreateTier, Tier, UpdateTier};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, patch, post};

/// Define a tier
///
/// Defines a free or paid membership tier. A free tier has no prices and no trial; a paid tier
/// needs a monthly or yearly price (positive, in minor units of the space's currency) and may
/// offer up to 365 trial days.
#[utoipa::path(
    tag = "tiers",
    request_body = CreateTier,
    responses((status = 201, description = "The tier was defined.", body = Tier)),
)]
#[post("/v1/spaces/{space}/tiers")]
#[tracing::instrument(skip_all)]
pub async fn create_tier(
    call: Call,
    path: Path<String>,
    body: Json<CreateTier>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::tiers::create(state, auth, space, body.0.clone()).await
    })
    .await
}

/// List tiers
///
/// Lists the space's tiers, oldest first, a page at a time.
#[utoipa::path(
    tag = "tiers",
    params(PageQuery),
    responses((status = 200, description = "A page of tiers.", body = Paged<Tier>)),
)]
#[get("/v1/spaces/{space}/tiers")]
#[tracing::instrument(skip_all)]
pub async fn list_tiers(
    call: Call,
    path: Path<String>,
    query: Query<PageQuery>,
    _fresh: Fresh<read_model::Tiers>,
) -> Result<Json<Paged<Tier>>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let page = service::reads::tiers(&call.state, space.id.0, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// Get a tier
///
/// Returns one tier of the space, archived or not.
#[utoipa::path(
    tag = "tiers",
    params(("tier" = uuid::Uuid, Path, description = "The tier's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The tier.", body = Tier)),
)]
#[get("/v1/spaces/{space}/tiers/{tier}")]
#[tracing::instrument(skip_all)]
pub async fn get_tier(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<read_model::Tiers>,
) -> Result<Json<Tier>, ApiError> {
    let (space, tier) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let tier = crate::service::parse_id(&tier, "tier")?;
    Ok(Json(
        service::reads::tier(&call.state, space.id.0, tier).await?,
    ))
}

/// Change a tier
///
/// Changes the name, the prices or the trial. Fields left out keep their value. A price change
/// applies to new subscriptions only: existing subscriptions keep the price they started with.
/// A free tier has no prices or trial; an archived tier cannot change.
#[utoipa::path(
    tag = "tiers",
    params(("tier" = uuid::Uuid, Path, description = "The tier's id")),
    request_body = UpdateTier,
    responses((status = 200, description = "The tier after the change.", body = Tier)),
)]
#[patch("/v1/spaces/{space}/tiers/{tier}")]
#[tracing::instrument(skip_all)]
pub async fn update_tier(
    call: Call,
    path: Path<(String, String)>,
    body: Json<UpdateTier>,
) -> Result<HttpResponse, ApiError> {
    let (space, tier) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        let command = service::tiers::change_command(body.0.clone());
        service::tiers::change(state, auth, space, &tier, command).await
    })
    .await
}

/// Archive a tier
///
/// Stops the tier taking new members; existing memberships and subscriptions go on. Archiving
/// an archived tier changes nothing.
#[utoipa::path(
    tag = "tiers",
    params(("tier" = uuid::Uuid, Path, description = "The tier's id")),
    responses((status = 200, description = "The archived tier.", body = Tier)),
)]
#[post("/v1/spaces/{space}/tiers/{tier}/archive")]
#[tracing::instrument(skip_all)]
pub async fn archive_tier(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, tier) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        let command = lyceum_domain::membership::tier::TierCommand::Archive;
        service::tiers::change(state, auth, space, &tier, command).await
    })
    .await
}
