//! Comped and gifted memberships: a creator gives a member a paid tier without payment, until
//! a set time.

use super::call::Call;
use crate::dto::{CreateComp, Subscription};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, post};

/// Comp a membership
///
/// Gives the member a paid tier without payment until `until`, as a `comp` (from the creator)
/// or a `gift` (paid for by someone else). It is an `active` subscription with `comp_until`
/// set: it grants the tier in the member's entitlements, is never billed, and expires at
/// `until`. It can be canceled earlier like any subscription. Archived and free tiers are
/// refused.
#[utoipa::path(
    tag = "subscriptions",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = CreateComp,
    responses((status = 201, description = "The comped membership.", body = Subscription)),
)]
#[post("/v1/spaces/{space}/members/{member}/comps")]
#[tracing::instrument(skip_all)]
pub async fn comp_membership(
    call: Call,
    path: Path<(String, String)>,
    body: Json<CreateComp>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::subscriptions::comp(state, auth, space, &member, body.0.clone()).await
    })
    .await
}
