//! `/v1/spaces/{space}/members/{member}/…`: a creator mutes, unmutes or bans a member.

use super::call::Call;
use crate::dto::{BanMember, MemberStanding, MuteMember};
use crate::error::ApiError;
use crate::service::moderation::{MemberAction, moderate};
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, delete, post};

/// Runs a creator's action on the member in the path, made from the request's body.
async fn act<B: serde::Serialize + Clone>(
    call: Call,
    path: Path<(String, String)>,
    body: B,
    action: fn(B) -> MemberAction,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        moderate(state, auth, space, &member, action(body.clone())).await
    })
    .await
}

/// Mute a member
///
/// Stops a member posting and editing comments for `minutes` (1 minute to 365 days), from the
/// server's clock; muting a muted member sets the new end. While muted, their posts are refused
/// with `member_muted`, saying until when. Recorded as `MemberMuted`, with the key as its
/// actor.
#[utoipa::path(
    tag = "moderation",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = MuteMember,
    responses((status = 200, description = "The member's standing.", body = MemberStanding)),
)]
#[post("/v1/spaces/{space}/members/{member}/mute")]
#[tracing::instrument(skip_all)]
pub async fn mute_member(
    call: Call,
    path: Path<(String, String)>,
    body: Json<MuteMember>,
) -> Result<HttpResponse, ApiError> {
    act(call, path, body.0, MemberAction::Mute).await
}

/// Unmute a member
///
/// Ends a running mute early. Unmuting a member who is not muted changes nothing.
#[utoipa::path(
    tag = "moderation",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    responses((status = 200, description = "The member's standing.", body = MemberStanding)),
)]
#[delete("/v1/spaces/{space}/members/{member}/mute")]
#[tracing::instrument(skip_all)]
pub async fn unmute_member(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    act(call, path, (), |()| MemberAction::Unmute).await
}

/// Ban a member
///
/// Ends a membership for good: in the same transaction as the `MemberBanned` event, every
/// session of the member is revoked and their credentials deleted, and their entitlements are
/// empty from then on. Their comments stay (a creator can remove them). They are not charged
/// again: at each subscription's next trial end, renewal or retry the scheduler ends it
/// (`SubscriptionCanceled` with reason `member_banned`); the period already paid is not refunded
/// by itself. Banning again changes nothing.
#[utoipa::path(
    tag = "moderation",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = BanMember,
    responses((status = 200, description = "The member's standing.", body = MemberStanding)),
)]
#[post("/v1/spaces/{space}/members/{member}/ban")]
#[tracing::instrument(skip_all)]
pub async fn ban_member(
    call: Call,
    path: Path<(String, String)>,
    body: Json<BanMember>,
) -> Result<HttpResponse, ApiError> {
    act(call, path, body.0, MemberAction::Ban).await
}
