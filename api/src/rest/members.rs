//! `/v1/spaces/{space}/members`: adding, listing, reading and removing members, joining free
//! tiers, and erasing personal data.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CreateMember, Entitlements, JoinTier, Member, Membership};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::parse_id;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use serde::Deserialize;
use utoipa::IntoParams;

/// Add a member
///
/// Adds a member to the space. The email and display name are personal data: they are stored
/// in the event log sealed with a key of this member's own, which erasure deletes.
#[utoipa::path(
    tag = "members",
    request_body = CreateMember,
    responses((status = 201, description = "The member was added.", body = Member)),
)]
#[post("/v1/spaces/{space}/members")]
#[tracing::instrument(skip_all)]
pub async fn create_member(
    call: Call,
    path: Path<String>,
    body: Json<CreateMember>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::members::add(state, auth, space, body.0.clone()).await
    })
    .await
}

/// Filters for the member list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// Only the member with this external id (the one an import or a migration gave them).
    pub external_id: Option<String>,
}

/// List members
///
/// Lists the space's members, oldest first, a page at a time, with the tiers each belongs to;
/// or, with `external_id`, the one member who has it (an empty page if none has).
#[utoipa::path(
    tag = "members",
    params(MemberQuery, PageQuery),
    responses((status = 200, description = "A page of members.", body = Paged<Member>)),
)]
#[get("/v1/spaces/{space}/members")]
#[tracing::instrument(skip_all)]
pub async fn list_members(
    call: Call,
    path: Path<String>,
    query: Query<PageQuery>,
    filter: Query<MemberQuery>,
    _fresh: Fresh<read_model::MemberRow>,
) -> Result<Json<Paged<Member>>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let external_id = filter.into_inner().external_id;
    let page = service::reads::members(&call.state, space.id.0, external_id, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// Get a member
///
/// Returns one member. After erasure, `email` and `display_name` are null and `erased` is true.
#[utoipa::path(
    tag = "members",
    params(("member" = uuid::Uuid, Path, description = "The member's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The member.", body = Member)),
)]
#[get("/v1/spaces/{space}/members/{member}")]
#[tracing::instrument(skip_all)]
pub async fn get_member(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<read_model::MemberRow>,
) -> Result<Json<Member>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let member = parse_id(&member, "member")?;
    Ok(Json(
        service::reads::member(&call.state, space.id.0, member).await?,
    ))
}

/// Remove a member
///
/// Removes the member from the space and from every tier. The member's history stays in the
/// log; a removed member cannot join tiers.
#[utoipa::path(
    tag = "members",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    responses((status = 204, description = "The member was removed.")),
)]
#[delete("/v1/spaces/{space}/members/{member}")]
#[tracing::instrument(skip_all)]
pub async fn remove_member(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::members::remove(state, auth, space, &member).await
    })
    .await
}

/// Join a free tier
///
/// Makes the member a member of a free tier of the same space. Paid tiers are joined through
/// checkout and answer `tier_requires_payment`.
#[utoipa::path(
    tag = "members",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = JoinTier,
    responses((status = 201, description = "The member joined the tier.", body = Membership)),
)]
#[post("/v1/spaces/{space}/members/{member}/join")]
#[tracing::instrument(skip_all)]
pub async fn join_tier(
    call: Call,
    path: Path<(String, String)>,
    body: Json<JoinTier>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::members::join(state, auth, space, &member, body.tier_id).await
    })
    .await
}

/// Erase a member's personal data
///
/// Deletes the key that seals this member's personal data (crypto-shredding). Every copy in
/// the log becomes unreadable at once; read models and replays show the member as erased while
/// the rest of their history stays intact. Repeating the request changes nothing.
#[utoipa::path(
    tag = "members",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    responses((status = 204, description = "The personal data is erased.")),
)]
#[delete("/v1/spaces/{space}/members/{member}/personal-data")]
#[tracing::instrument(skip_all)]
pub async fn erase_personal_data(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::members::erase(state, auth, space, &member).await
    })
    .await
}

/// Get a member's entitlements
///
/// What the member may access right now: whether they are an active member, and the tiers they
/// hold through free tiers they joined and subscriptions that grant access (trialing, active,
/// past due while retried, comps). Content reads by the member's session use the same answer.
#[utoipa::path(
    tag = "members",
    params(("member" = uuid::Uuid, Path, description = "The member's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The member's entitlements.", body = Entitlements)),
)]
#[get("/v1/spaces/{space}/members/{member}/entitlements")]
#[tracing::instrument(skip_all)]
pub async fn get_entitlements(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<read_model::Entitlements>,
) -> Result<Json<Entitlements>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let member = parse_id(&member, "member")?;
    Ok(Json(
        service::reads::entitlements(&call.state, space.id.0, member).await?,
    ))
}
