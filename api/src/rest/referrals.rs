//! `/v1/spaces/{space}/members/{member}/points` and `…/referrals`: a member's points (which
//! set their level) and the subscriptions their referral code brought in.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{AdjustPoints, MemberPoints, Referral};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::{parse_id, reads};
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, post};

/// Adjust a member's points
///
/// Gives a member points (or, with a negative `delta`, takes some back) with a reason the
/// member may be shown. This is the creator's manual adjustment; actions earn points of their
/// own under the space's points rules. The answer's `points` is the sum of both, which sets the
/// member's level. Only manual points can be taken back: they never go below zero.
#[utoipa::path(
    tag = "levels",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = AdjustPoints,
    responses((status = 200, description = "The member's points and level after the change.",
        body = MemberPoints)),
)]
#[post("/v1/spaces/{space}/members/{member}/points")]
#[tracing::instrument(skip_all)]
pub async fn adjust_points(
    call: Call,
    path: Path<(String, String)>,
    body: Json<AdjustPoints>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::terms::adjust_points(state, auth, space, &member, body.0.clone()).await
    })
    .await
}

/// List a member's referrals
///
/// Lists the subscriptions started with this member's referral code, with the commission each
/// earned when the referred member first paid (null until then). The commission is the space's
/// `referral_commission_bps` of that first payment; it is booked in the ledger's
/// `referral_commissions` account.
#[utoipa::path(
    tag = "members",
    params(("member" = uuid::Uuid, Path, description = "The referrer's id"), PageQuery),
    responses((status = 200, description = "A page of referrals.", body = Paged<Referral>)),
)]
#[get("/v1/spaces/{space}/members/{member}/referrals")]
#[tracing::instrument(skip_all)]
pub async fn list_referrals(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh<read_model::Ledger>,
) -> Result<Json<Paged<Referral>>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let member = parse_id(&member, "member")?;
    let page = reads::referrals(&call.state, space.id.0, member, query.slice()?).await?;
    Ok(Json(page.into()))
}
